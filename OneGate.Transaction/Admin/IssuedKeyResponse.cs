using OneGate.Transaction.Regulators.Keys;

namespace OneGate.Transaction.Admin;

/// <summary>A new key and its secret — the only time the secret is shown — and, for a rotation, the key it replaces (in its grace).</summary>
public sealed record IssuedKeyResponse(RegulatorKeyView Key, string Secret, RegulatorKeyView? Previous)
{
    // The generated ToString would print the secret (e.g. into a log line).
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Key = {Key}, Secret = [redacted], Previous = {Previous}");
        return true;
    }
}
