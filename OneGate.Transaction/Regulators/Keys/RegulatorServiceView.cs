using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>A regulator service with the defaults of its new keys, and its keys (newest first).</summary>
public sealed record RegulatorServiceView(int Id, string Code, string Name, string? Description, string? ContactEmail, bool IsActive,
    ApiPermission[] Permissions, RateLimitsView RateLimits, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<RegulatorKeyView> Keys)
{
    public static RegulatorServiceView From(ExternalService service, IEnumerable<ApiKey> keys, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(service);
        var all = keys.ToList();
        var rotated = all.Where(k => k.RotatedFromId is not null).Select(k => k.RotatedFromId!.Value).ToHashSet();
        return new RegulatorServiceView(service.Id, service.Code, service.Name, service.Description, service.ContactEmail, service.IsActive,
            service.Permissions, RateLimitsView.Of(service.RateLimits), service.CreatedAt, service.UpdatedAt,
            [.. all.OrderByDescending(k => k.CreatedAt).Select(k => RegulatorKeyView.From(k, rotated.Contains(k.Id), now))]);
    }
}
