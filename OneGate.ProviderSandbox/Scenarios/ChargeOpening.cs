namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>The answer of <see cref="ChargeBook.Open"/>: a new charge, the same one again, or a clash.</summary>
public sealed record ChargeOpening(ChargeOpeningKind Kind, SandboxCharge Charge);

public enum ChargeOpeningKind
{
    Created,

    /// <summary>Same reference, provider, amount and currency: the existing charge (idempotent replay).</summary>
    Replayed,

    /// <summary>The reference is taken by a charge with another amount, currency or provider.</summary>
    Conflict,
}
