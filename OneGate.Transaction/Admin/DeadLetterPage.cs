namespace OneGate.Transaction.Admin;

/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetterView> Items, string? NextCursor);
