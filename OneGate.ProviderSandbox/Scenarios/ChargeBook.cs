using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OneGate.ProviderSandbox.Notifications;
using OneGate.ProviderSandbox.Snap;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// Every charge the sandbox has seen, keyed by the partner's <c>partnerReferenceNo</c>: our transaction ids are
/// unique across providers, so one book serves both and a reference used at one provider is taken at the other.
/// The scripted outcome plays out on timers.
/// </summary>
public sealed class ChargeBook(
    ScenarioBook scenarios,
    NotificationDispatcher notifications,
    IOptions<ScenarioOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<ChargeBook> logger)
{
    private readonly ConcurrentDictionary<string, SandboxCharge> _charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _refundOwners = new(StringComparer.Ordinal);

    /// <summary>A new charge, or null when the partnerReferenceNo is already taken (at either provider).</summary>
    public SandboxCharge? Open(SandboxProvider provider, string partnerReferenceNo, string referenceNo, decimal amount, Uri notifyUrl)
    {
        var candidate = new SandboxCharge(provider, partnerReferenceNo, referenceNo, amount, notifyUrl,
            scenarios.Decide(partnerReferenceNo, amount), time.GetUtcNow());
        if (!_charges.TryAdd(partnerReferenceNo, candidate))
        {
            return null;
        }

        Start(candidate);
        return candidate;
    }

    public SandboxCharge? Find(string partnerReferenceNo) => _charges.GetValueOrDefault(partnerReferenceNo);

    public SandboxCharge? Find(SandboxProvider provider, string partnerReferenceNo) =>
        _charges.TryGetValue(partnerReferenceNo, out var charge) && charge.Provider == provider ? charge : null;

    /// <summary>A partnerRefundNo belongs to the first charge it was used on; on another charge it is a conflict.</summary>
    public RefundDecision Refund(SandboxCharge charge, string partnerRefundNo, string refundNo, decimal amount) =>
        _refundOwners.GetOrAdd(partnerRefundNo, charge.PartnerReferenceNo) == charge.PartnerReferenceNo
            ? charge.Refund(partnerRefundNo, refundNo, amount, time.GetUtcNow())
            : new RefundDecision(RefundDecisionKind.Conflict);

    /// <summary>
    /// A <see cref="ScenarioOutcome.Timeout"/> charge is not answered until <see cref="ScenarioOptions.TimeoutDelay"/>
    /// after it arrived: longer than the client waits, yet it is processed meanwhile, so a later status inquiry sees
    /// it settled. Other charges answer at once.
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

    private void Start(SandboxCharge charge)
    {
        var o = options.Value;
        logger.LogInformation("{Provider} charge {PartnerReferenceNo} for {Amount}: {Outcome}",
            charge.Provider, charge.PartnerReferenceNo, charge.Amount, charge.Outcome);

        switch (charge.Outcome)
        {
            case ScenarioOutcome.Succeed:
            case ScenarioOutcome.RefundFailsOnce:
                charge.Resolve(ChargeStatus.Settled, time.GetUtcNow());
                break;
            case ScenarioOutcome.Decline:
                charge.Resolve(ChargeStatus.Declined, time.GetUtcNow());
                break;
            case ScenarioOutcome.Timeout:
            case ScenarioOutcome.PendingSilent:
                _ = ResolveLaterAsync(charge, o.SettleDelay, ChargeStatus.Settled, NotificationState.NotPlanned);
                break;
            case ScenarioOutcome.PendingThenSucceed:
                _ = ResolveLaterAsync(charge, o.CallbackDelay, ChargeStatus.Settled, NotificationState.Planned);
                break;
            case ScenarioOutcome.PendingThenFail:
                _ = ResolveLaterAsync(charge, o.CallbackDelay, ChargeStatus.Declined, NotificationState.Planned);
                break;
            case ScenarioOutcome.NotifyLost:
                _ = ResolveLaterAsync(charge, o.CallbackDelay, ChargeStatus.Settled, NotificationState.Lost);
                break;
            case ScenarioOutcome.LateSuccess:
                _ = ResolveLaterAsync(charge, o.LateSuccessDelay, ChargeStatus.Settled, NotificationState.Planned);
                break;
            default:
                throw new InvalidOperationException($"Unknown outcome {charge.Outcome}.");
        }
    }

    /// <param name="notification">NotPlanned: none; Planned: delivered; Lost: sent and lost on the way.</param>
    private async Task ResolveLaterAsync(SandboxCharge charge, TimeSpan delay, ChargeStatus status, NotificationState notification)
    {
        if (notification != NotificationState.NotPlanned)
        {
            charge.SetNotificationState(NotificationState.Planned);
        }

        try
        {
            await Task.Delay(delay, time, lifetime.ApplicationStopping);
            if (!charge.Resolve(status, time.GetUtcNow()))
            {
                return;
            }

            logger.LogInformation("{Provider} charge {PartnerReferenceNo} is now {Status}", charge.Provider, charge.PartnerReferenceNo, status);
            if (notification == NotificationState.Lost)
            {
                notifications.Lose(charge);
            }
            else if (notification == NotificationState.Planned)
            {
                notifications.Dispatch(charge);
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down: the in-memory state goes away anyway
        }
    }
}
