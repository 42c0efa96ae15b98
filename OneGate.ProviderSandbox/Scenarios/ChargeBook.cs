using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OneGate.ProviderSandbox.Callbacks;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// Every charge the sandbox has seen, keyed by the merchant's reference (our transaction ids are unique
/// across providers, so one key space is enough and a reference reused at the other provider is a conflict).
/// Opening a charge is idempotent; the scripted outcome plays out on timers.
/// </summary>
public sealed class ChargeBook(
    ScenarioBook scenarios,
    CallbackDispatcher callbacks,
    IOptions<ScenarioOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<ChargeBook> logger)
{
    private readonly ConcurrentDictionary<string, SandboxCharge> _charges = new(StringComparer.Ordinal);

    public ChargeOpening Open(SandboxProvider provider, string reference, decimal amount, string currency, Uri callbackUrl, string providerReference)
    {
        if (_charges.TryGetValue(reference, out var existing))
        {
            return Compare(existing, provider, amount, currency);
        }

        var candidate = new SandboxCharge(provider, reference, providerReference, amount, currency, callbackUrl,
            scenarios.Decide(reference, amount), time.GetUtcNow());
        var stored = _charges.GetOrAdd(reference, candidate);
        if (!ReferenceEquals(stored, candidate))
        {
            return Compare(stored, provider, amount, currency);
        }

        Start(stored);
        return new ChargeOpening(ChargeOpeningKind.Created, stored);
    }

    public SandboxCharge? Find(string reference) => _charges.GetValueOrDefault(reference);

    public SandboxCharge? Find(SandboxProvider provider, string reference) =>
        _charges.TryGetValue(reference, out var charge) && charge.Provider == provider ? charge : null;

    /// <summary>
    /// A <see cref="ScenarioOutcome.Timeout"/> charge is not answered (first request or replay) until
    /// <see cref="ScenarioOptions.TimeoutDelay"/> after it arrived: longer than the client waits, yet it is
    /// processed meanwhile, so a later status query sees it settled. Other charges answer at once.
    /// </summary>
    public async Task WaitUntilAnswerableAsync(SandboxCharge charge, CancellationToken cancellationToken)
    {
        if (charge.Outcome != ScenarioOutcome.Timeout)
        {
            return;
        }

        var remaining = charge.CreatedAt + options.Value.TimeoutDelay - time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, time, cancellationToken);
        }
    }

    private static ChargeOpening Compare(SandboxCharge existing, SandboxProvider provider, decimal amount, string currency) =>
        existing.Provider == provider && existing.Amount == amount && existing.Currency == currency
            ? new ChargeOpening(ChargeOpeningKind.Replayed, existing)
            : new ChargeOpening(ChargeOpeningKind.Conflict, existing);

    private void Start(SandboxCharge charge)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        logger.LogInformation("{Provider} charge {Reference} for {Amount} {Currency}: {Outcome}",
            charge.Provider, charge.Reference, charge.Amount, charge.Currency, charge.Outcome);

        switch (charge.Outcome)
        {
            case ScenarioOutcome.Succeed:
                charge.Resolve(ChargeStatus.Settled, now);
                break;
            case ScenarioOutcome.Decline:
                charge.Resolve(ChargeStatus.Declined, now);
                break;
            case ScenarioOutcome.Timeout:
            case ScenarioOutcome.PendingSilent:
                _ = ResolveLaterAsync(charge, o.SettleDelay, ChargeStatus.Settled, notify: false);
                break;
            case ScenarioOutcome.PendingThenSucceed:
                charge.SetCallbackState(CallbackState.Planned);
                _ = ResolveLaterAsync(charge, o.CallbackDelay, ChargeStatus.Settled, notify: true);
                break;
            case ScenarioOutcome.PendingThenFail:
                charge.SetCallbackState(CallbackState.Planned);
                _ = ResolveLaterAsync(charge, o.CallbackDelay, ChargeStatus.Declined, notify: true);
                break;
            default:
                throw new InvalidOperationException($"Unknown outcome {charge.Outcome}.");
        }
    }

    private async Task ResolveLaterAsync(SandboxCharge charge, TimeSpan delay, ChargeStatus status, bool notify)
    {
        try
        {
            await Task.Delay(delay, time, lifetime.ApplicationStopping);
            if (charge.Resolve(status, time.GetUtcNow()))
            {
                logger.LogInformation("{Provider} charge {Reference} is now {Status}", charge.Provider, charge.Reference, status);
                if (notify)
                {
                    callbacks.Dispatch(charge);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down: the in-memory state goes away anyway
        }
    }
}
