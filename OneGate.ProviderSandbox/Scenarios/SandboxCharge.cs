using OneGate.ProviderSandbox.Notifications;
using OneGate.ProviderSandbox.Snap;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// One charge as the sandbox recorded it. Identity and amount never change; the status moves once from pending to
/// settled or declined, and a settled charge becomes refunded when refunds add up to its amount. Notification
/// attempts and refunds are appended. All mutation is under one lock.
/// </summary>
public sealed class SandboxCharge(
    SandboxProvider provider,
    string partnerReferenceNo,
    string referenceNo,
    decimal amount,
    Uri notifyUrl,
    ScenarioOutcome outcome,
    DateTimeOffset createdAt)
{
    private readonly Lock _lock = new();
    private readonly List<NotificationAttempt> _attempts = [];
    private readonly List<ChargeRefund> _refunds = [];
    private ChargeStatus _status = ChargeStatus.Pending;
    private NotificationState _notificationState = NotificationState.NotPlanned;
    private decimal _refundedAmount = 0.00m;
    private int _refundFailuresLeft;
    private DateTimeOffset _updatedAt = createdAt;

    public SandboxProvider Provider { get; } = provider;

    /// <summary>The partner's id of the charge (our transaction id).</summary>
    public string PartnerReferenceNo { get; } = partnerReferenceNo;

    /// <summary>The provider's own id of the charge.</summary>
    public string ReferenceNo { get; } = referenceNo;

    public decimal Amount { get; } = amount;

    /// <summary>Where service-56 notifications go (the NOTIFICATION urlParam of the charge).</summary>
    public Uri NotifyUrl { get; } = notifyUrl;

    public ScenarioOutcome Outcome { get; } = outcome;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public (ChargeStatus Status, decimal RefundedAmount) State
    {
        get
        {
            lock (_lock)
            {
                return (_status, _refundedAmount);
            }
        }
    }

    /// <summary>Moves a pending charge to its final status; a charge already resolved stays as it is.</summary>
    public bool Resolve(ChargeStatus status, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_status != ChargeStatus.Pending || status is not (ChargeStatus.Settled or ChargeStatus.Declined))
            {
                return false;
            }

            _status = status;
            _updatedAt = now;
            return true;
        }
    }

    /// <summary>
    /// Refunds <paramref name="amount"/> under <paramref name="partnerRefundNo"/>: idempotent by that number, only from a
    /// settled charge, never more than what is left. A fully refunded charge becomes <see cref="ChargeStatus.Refunded"/>.
    /// </summary>
    public RefundDecision Refund(string partnerRefundNo, string refundNo, decimal amount, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_refunds.Find(r => r.PartnerRefundNo == partnerRefundNo && r.Status == RefundStatus.Succeeded) is { } earlier)
            {
                return earlier.Amount == amount ? new RefundDecision(RefundDecisionKind.Replayed, earlier) : new RefundDecision(RefundDecisionKind.Conflict);
            }

            if (_status is not (ChargeStatus.Settled or ChargeStatus.Refunded))
            {
                return new RefundDecision(RefundDecisionKind.NotRefundable);
            }

            if ((Outcome == ScenarioOutcome.RefundFailsOnce && _refunds.Count == 0) || (_refundFailuresLeft > 0 && _refundFailuresLeft-- > 0))
            {
                return Record(new ChargeRefund(partnerRefundNo, refundNo, amount, RefundStatus.Failed, now), RefundDecisionKind.Failed);
            }

            if (amount > Amount - _refundedAmount)
            {
                return new RefundDecision(RefundDecisionKind.ExceedsRemaining);
            }

            _refundedAmount += amount;
            _status = _refundedAmount == Amount ? ChargeStatus.Refunded : _status;
            _updatedAt = now;
            return Record(new ChargeRefund(partnerRefundNo, refundNo, amount, RefundStatus.Succeeded, now), RefundDecisionKind.Refunded);
        }
    }

    /// <summary>The next <paramref name="count"/> refund attempts fail with a 5xx and refund nothing (control API).</summary>
    public void FailNextRefunds(int count)
    {
        lock (_lock)
        {
            _refundFailuresLeft = count;
        }
    }

    public void SetNotificationState(NotificationState state)
    {
        lock (_lock)
        {
            _notificationState = state;
        }
    }

    public void RecordNotificationAttempt(Func<int, NotificationAttempt> attempt)
    {
        lock (_lock)
        {
            _attempts.Add(attempt(_attempts.Count + 1));
        }
    }

    public SandboxChargeView Snapshot()
    {
        lock (_lock)
        {
            return new SandboxChargeView(Provider, PartnerReferenceNo, ReferenceNo, Amount, _status, _refundedAmount, Outcome, NotifyUrl,
                CreatedAt, _updatedAt, new NotificationReport(_notificationState, [.. _attempts]), [.. _refunds]);
        }
    }

    private RefundDecision Record(ChargeRefund refund, RefundDecisionKind kind)
    {
        _refunds.Add(refund);
        return new RefundDecision(kind, refund);
    }
}
