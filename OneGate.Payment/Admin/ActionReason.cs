namespace OneGate.Payment.Admin;

/// <summary>Why an operator acts: required, recorded in the audit trail with the action.</summary>
public sealed record ActionReason(string? Reason)
{
    public const int MaxLength = 1000;

    /// <summary>
    /// The trimmed reason, or the validation errors of a missing, blank or too long one, or one holding control
    /// characters other than line breaks and tabs (Postgres refuses a NUL in text: refused here, not as a 500).
    /// </summary>
    public static (string? Text, Dictionary<string, string[]>? Errors) Check(string? text, string field) =>
        text?.Trim() is { Length: > 0 and <= MaxLength } trimmed && !trimmed.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            ? (trimmed, null)
            : (null, new() { [field] = [$"Required: 1 to {MaxLength} characters, no control characters but line breaks and tabs."] });
}
