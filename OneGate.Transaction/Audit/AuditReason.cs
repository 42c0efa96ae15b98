namespace OneGate.Transaction.Audit;

/// <summary>Why an operator acts, recorded with the action (checked like Payment's and Auth's reasons).</summary>
public static class AuditReason
{
    public const int MaxLength = 1000;

    /// <summary>
    /// The trimmed reason (null when optional and absent), or the error of a missing (when required), blank, too long one or
    /// one with control characters other than line feeds (a NUL cannot be stored; escapes would reach whoever reads the trail).
    /// </summary>
    public static (string? Text, string? Error) Check(string? text, bool required)
    {
        if (text is null && !required)
        {
            return (null, null);
        }

        return text?.Trim() is { Length: > 0 and <= MaxLength } trimmed && !trimmed.Any(c => char.IsControl(c) && c is not '\n')
            ? (trimmed, null)
            : (null, $"{(required ? "Required" : "When given")}: 1 to {MaxLength} characters, no control characters but line feeds.");
    }
}
