using OneGate.ProviderSandbox.Callbacks;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// One charge as the sandbox recorded it. Identity and amount never change; the status moves once from
/// pending to settled or declined, and callback attempts are appended. All mutation is under one lock.
/// </summary>
public sealed class SandboxCharge(
    SandboxProvider provider,
    string reference,
    string providerReference,
    decimal amount,
    string currency,
    Uri callbackUrl,
    ScenarioOutcome outcome,
    DateTimeOffset createdAt)
{
    private readonly Lock _lock = new();
    private readonly List<CallbackAttempt> _attempts = [];
    private ChargeStatus _status = ChargeStatus.Pending;
    private CallbackState _callbackState = CallbackState.NotPlanned;
    private DateTimeOffset _updatedAt = createdAt;

    public SandboxProvider Provider { get; } = provider;

    /// <summary>The merchant's id (GoPay <c>order_id</c>, ShopeePay <c>reference_id</c>).</summary>
    public string Reference { get; } = reference;

    /// <summary>The provider's own id (GoPay <c>charge_id</c>, ShopeePay <c>transaction_sn</c>).</summary>
    public string ProviderReference { get; } = providerReference;

    public decimal Amount { get; } = amount;

    public string Currency { get; } = currency;

    public Uri CallbackUrl { get; } = callbackUrl;

    public ScenarioOutcome Outcome { get; } = outcome;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public ChargeStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Moves a pending charge to its final status; a charge already resolved stays as it is.</summary>
    public bool Resolve(ChargeStatus status, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_status != ChargeStatus.Pending || status == ChargeStatus.Pending)
            {
                return false;
            }

            _status = status;
            _updatedAt = now;
            return true;
        }
    }

    public void SetCallbackState(CallbackState state)
    {
        lock (_lock)
        {
            _callbackState = state;
        }
    }

    public void RecordCallbackAttempt(CallbackAttempt attempt)
    {
        lock (_lock)
        {
            _attempts.Add(attempt);
        }
    }

    public SandboxChargeView Snapshot()
    {
        lock (_lock)
        {
            return new SandboxChargeView(Provider, Reference, ProviderReference, Amount, Currency, _status, Outcome,
                CallbackUrl, CreatedAt, _updatedAt, new CallbackReport(_callbackState, [.. _attempts]));
        }
    }
}
