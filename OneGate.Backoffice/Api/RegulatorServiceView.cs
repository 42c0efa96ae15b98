namespace OneGate.Backoffice.Api;

/// <summary>A regulator (Bank Indonesia, OJK, ...) with its keys, newest first; permissions and limits are its new keys' defaults.</summary>
public sealed record RegulatorServiceView(int Id, string Code, string Name, string? Description, string? ContactEmail, bool IsActive,
    IReadOnlyList<string> Permissions, RateLimits RateLimits, IReadOnlyList<RegulatorKeyView> Keys);
