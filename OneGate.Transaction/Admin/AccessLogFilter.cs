using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using OneGate.Transaction.Data;
using OneGate.Transaction.History;

namespace OneGate.Transaction.Admin;

/// <summary>The filters of the access logs' browse and export (query string), every one optional, combined with AND.</summary>
public sealed class AccessLogFilter
{
    [FromQuery, Description("The service's id (a whole number)")] public string? ServiceId { get; init; }

    [FromQuery, Description("The key's id (a UUID)")] public string? KeyId { get; init; }

    [FromQuery, Description("From this time (inclusive, ISO 8601)")] public string? From { get; init; }

    [FromQuery, Description("Before this time (exclusive, ISO 8601)")] public string? To { get; init; }

    private int? service;
    private Guid? key;
    private DateTimeOffset? from;
    private DateTimeOffset? to;

    /// <summary>Parses the values; the errors by query parameter, empty when they are fine.</summary>
    public Dictionary<string, string[]> Errors()
    {
        var errors = new Dictionary<string, string[]>();
        if (ServiceId is not null)
        {
            service = int.TryParse(ServiceId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1 ? id : null;
            if (service is null)
            {
                errors["serviceId"] = ["A service id: a whole number from 1."];
            }
        }

        if (KeyId is not null)
        {
            key = Guid.TryParseExact(KeyId, "D", out var id) ? id : null;
            if (key is null)
            {
                errors["keyId"] = ["A key id: a UUID like 0193a5c2-7d1e-7cc0-a1b2-c3d4e5f60718."];
            }
        }

        from = HistoryQuery.ParseTime(From, "from", errors);
        to = HistoryQuery.ParseTime(To, "to", errors);
        if (from is not null && to is not null && from >= to)
        {
            errors["to"] = ["'to' must be after 'from'."];
        }

        return errors;
    }

    /// <summary>Rows matching the parsed filters (call <see cref="Errors"/> first).</summary>
    public IQueryable<ApiAccessLog> Apply(IQueryable<ApiAccessLog> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var (s, k, f, t) = (service, key, from, to);
        rows = s is null ? rows : rows.Where(l => l.ExternalServiceId == s);
        rows = k is null ? rows : rows.Where(l => l.ApiKeyId == k);
        rows = f is null ? rows : rows.Where(l => l.CreatedAt >= f);
        return t is null ? rows : rows.Where(l => l.CreatedAt < t);
    }

    /// <summary>The filters as recorded in the audit trail with a view or an export.</summary>
    public object Described() => new { serviceId = service, keyId = key, from, to };
}
