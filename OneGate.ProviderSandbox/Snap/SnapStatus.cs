using OneGate.ProviderSandbox.Scenarios;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>A charge's status as SNAP's <c>latestTransactionStatus</c>.</summary>
public static class SnapStatus
{
    public static string Of(ChargeStatus status) => status switch
    {
        ChargeStatus.Pending => SnapTransactionStatus.Pending,
        ChargeStatus.Settled => SnapTransactionStatus.Success,
        ChargeStatus.Declined => SnapTransactionStatus.Failed,
        ChargeStatus.Refunded => SnapTransactionStatus.Refunded,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
