namespace OneGate.Payment.Admin;

/// <summary>Why an operator acts: required, recorded in the audit trail with the action.</summary>
public sealed record ActionReason(string? Reason)
{
    public const int MaxLength = 1000;

    /// <summary>
    /// The trimmed reason, or the validation errors of a missing, blank, too long one or one with control characters
    /// other than line feeds (a NUL cannot be stored in a text column, and terminal escapes would reach whoever reads the
    /// audit trail; Auth's operator reasons are checked alike).
    /// </summary>
    public static (string? Text, Dictionary<string, string[]>? Errors) Check(string? text, string field) =>
        text?.Trim() is { Length: > 0 and <= MaxLength } trimmed && !trimmed.Any(c => char.IsControl(c) && c is not '\n') ? (trimmed, null)
        : (null, new() { [field] = [$"Required: 1 to {MaxLength} characters, no control characters but line feeds."] });
}
