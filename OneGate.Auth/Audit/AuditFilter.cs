using Microsoft.AspNetCore.Mvc;
using OneGate.Auth.Data;

namespace OneGate.Auth.Audit;

/// <summary>The filters of the audit trail's browse and export (query string); every one optional, all combined with AND.</summary>
public sealed class AuditFilter
{
    [FromQuery] public string? Action { get; init; }

    [FromQuery] public string? ActorType { get; init; }

    [FromQuery] public string? ActorId { get; init; }

    [FromQuery] public string? TargetType { get; init; }

    [FromQuery] public string? TargetId { get; init; }

    /// <summary>From this time (inclusive).</summary>
    [FromQuery] public DateTimeOffset? From { get; init; }

    /// <summary>Before this time (exclusive).</summary>
    [FromQuery] public DateTimeOffset? To { get; init; }

    /// <summary>The errors of the filter's values, by query parameter; empty when it is fine.</summary>
    public Dictionary<string, string[]> Errors()
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value) in new[] { ("action", Action), ("actorType", ActorType), ("actorId", ActorId), ("targetType", TargetType), ("targetId", TargetId) })
        {
            if (value is { Length: > 100 } || (value?.Any(char.IsControl) ?? false))
            {
                errors[name] = ["At most 100 characters, no control characters."];
            }
        }

        if (From is not null && To is not null && From >= To)
        {
            errors["to"] = ["'to' must be after 'from'."];
        }

        return errors;
    }

    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        rows = Action is null ? rows : rows.Where(e => e.Action == Action);
        rows = ActorType is null ? rows : rows.Where(e => e.ActorType == ActorType);
        rows = ActorId is null ? rows : rows.Where(e => e.ActorId == ActorId);
        rows = TargetType is null ? rows : rows.Where(e => e.TargetType == TargetType);
        rows = TargetId is null ? rows : rows.Where(e => e.TargetId == TargetId);
        rows = From is null ? rows : rows.Where(e => e.OccurredAt >= From);
        return To is null ? rows : rows.Where(e => e.OccurredAt < To);
    }
}
