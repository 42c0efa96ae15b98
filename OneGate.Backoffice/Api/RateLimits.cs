namespace OneGate.Backoffice.Api;

/// <summary>A regulator key's (or service's default) request budgets per window; null: no limit in that window.</summary>
public sealed record RateLimits(int? PerMinute, int? PerHour, int? PerDay);
