namespace OneGate.Backoffice.Api;

/// <summary>What creating a regulator service sends (Transaction checks every field).</summary>
public sealed record NewRegulatorService(string Code, string Name, string? Description, string? ContactEmail, IReadOnlyList<string> Permissions,
    RateLimits RateLimits, string? Reason);
