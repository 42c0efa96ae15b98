using OneGate.Transaction.Data;

namespace OneGate.Transaction.Admin;

/// <summary>Access-log filters once parsed and validated (<see cref="AccessLogFilter.Parse"/>): nothing left to check.</summary>
public sealed record AccessLogCriteria(int? ServiceId, Guid? KeyId, DateTimeOffset? From, DateTimeOffset? To)
{
    /// <summary>Rows matching every filter given.</summary>
    public IQueryable<ApiAccessLog> Apply(IQueryable<ApiAccessLog> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var (s, k, f, t) = (ServiceId, KeyId, From, To);
        rows = s is null ? rows : rows.Where(l => l.ExternalServiceId == s);
        rows = k is null ? rows : rows.Where(l => l.ApiKeyId == k);
        rows = f is null ? rows : rows.Where(l => l.CreatedAt >= f);
        return t is null ? rows : rows.Where(l => l.CreatedAt < t);
    }

    /// <summary>The filters as recorded in the audit trail with a view or an export.</summary>
    public object Described() => new { serviceId = ServiceId, keyId = KeyId, from = From, to = To };
}
