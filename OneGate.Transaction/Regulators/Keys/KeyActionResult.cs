using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>
/// What a key or service action did: the key (or service) after it, the new key's secret when one was issued (its only
/// appearance), the rotated key; or why nothing changed.
/// </summary>
public sealed record KeyActionResult(KeyRefusal Refusal, ApiKey? Key = null, string? Secret = null, ApiKey? Previous = null, ExternalService? Service = null)
{
    public static KeyActionResult Refused(KeyRefusal refusal) => new(refusal);
}
