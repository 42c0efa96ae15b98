using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>
/// What a key or service action did: the key (or service) after it, the new key's secret when one was issued (its only
/// appearance), the rotated key; or why nothing changed.
/// </summary>
public sealed record KeyActionResult(KeyRefusal Refusal, ApiKey? Key = null, string? Secret = null, ApiKey? Previous = null, ExternalService? Service = null)
{
    public static KeyActionResult Refused(KeyRefusal refusal) => new(refusal);

    // The generated ToString would print the secret (e.g. into a log line).
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Refusal = {Refusal}, Key = {Key?.Id}, Secret = {(Secret is null ? "" : "[redacted]")}, Previous = {Previous?.Id}, Service = {Service?.Code}");
        return true;
    }
}
