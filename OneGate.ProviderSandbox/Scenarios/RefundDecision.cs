namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>The answer of <see cref="SandboxCharge.Refund"/>; <see cref="Refund"/> is set for a success, its replay and the scripted failure.</summary>
public sealed record RefundDecision(RefundDecisionKind Kind, ChargeRefund? Refund = null);

public enum RefundDecisionKind
{
    Refunded,

    /// <summary>The same partnerRefundNo and amount again: the earlier success, nothing new refunded.</summary>
    Replayed,

    /// <summary>The charge is not settled (pending or declined).</summary>
    NotRefundable,

    /// <summary>More than the charge's amount minus what was refunded already.</summary>
    ExceedsRemaining,

    /// <summary>The partnerRefundNo was used with another amount or another charge.</summary>
    Conflict,

    /// <summary>The scripted failure of <see cref="ScenarioOutcome.RefundFailsOnce"/>.</summary>
    Failed,
}
