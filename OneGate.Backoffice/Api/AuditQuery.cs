namespace OneGate.Backoffice.Api;

/// <summary>The audit trails' filters (all optional, exact), as the console's audit page and export pass them on.</summary>
public sealed record AuditQuery(string? Action, string? ActorType, string? ActorId, string? TargetType, string? TargetId, string? From, string? To)
{
    /// <summary>The audit page's form: its date-time fields are local times meant as UTC (yyyy-MM-ddTHH:mm), sent as ISO instants.</summary>
    public static AuditQuery FromForm(string? action, string? actorType, string? actorId, string? targetType, string? targetId, string? from, string? to) =>
        new(action, actorType, actorId, targetType, targetId, Utc(from), Utc(to));

    public static string? Utc(string? local) => string.IsNullOrWhiteSpace(local) ? null : local.Length == 16 ? local + ":00Z" : local + "Z";

    public (string Name, string? Value)[] Parameters() =>
        [("action", Action), ("actorType", ActorType), ("actorId", ActorId), ("targetType", TargetType), ("targetId", TargetId), ("from", From), ("to", To)];
}
