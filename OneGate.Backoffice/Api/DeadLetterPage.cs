namespace OneGate.Backoffice.Api;

/// <summary>A page of dead letters, oldest first.</summary>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetterView> Items, string? NextCursor);
