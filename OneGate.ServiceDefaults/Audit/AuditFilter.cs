using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>The filters of the audit trail's browse and export (query string); every one optional, all combined with AND.</summary>
public sealed partial class AuditFilter
{
    private static readonly string[] ActorTypes = [AuditActorType.User, AuditActorType.Operator, AuditActorType.System, AuditActorType.Anonymous];

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
        // Every value the trail holds has this shape (actions like operator.login.failed, ids, hashed client keys,
        // transaction ids): anything else cannot match, so it is refused as bad input rather than answered empty.
        foreach (var (name, value, pattern) in new[]
                 {
                     ("action", Action, ActionPattern()), ("targetType", TargetType, ActionPattern()),
                     ("actorId", ActorId, IdPattern()), ("targetId", TargetId, IdPattern()),
                 })
        {
            if (value is not null && (value.Length > 100 || !pattern.IsMatch(value)))
            {
                errors[name] = ["At most 100 characters: letters, digits and . _ : / - only."];
            }
        }

        if (ActorType is not null && !ActorTypes.Contains(ActorType))
        {
            errors["actorType"] = [$"One of {string.Join(", ", ActorTypes)}."];
        }

        if (From is not null && To is not null && From >= To)
        {
            errors["to"] = ["'to' must be after 'from'."];
        }

        return errors;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_.\-]*$")]
    private static partial Regex ActionPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:/\-]*$")]
    private static partial Regex IdPattern();

    /// <summary>The filters as an export's audit event records them (what was exported, by whom is the event's actor).</summary>
    public object Recorded() => new { action = Action, actorType = ActorType, actorId = ActorId, targetType = TargetType, targetId = TargetId, from = From, to = To };

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
