using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Decides a charge's outcome: a per-reference override first, then the configured amounts.</summary>
public sealed class ScenarioBook(IOptions<ScenarioOptions> options)
{
    private readonly ConcurrentDictionary<string, ScenarioOutcome> _overrides = new(StringComparer.Ordinal);

    /// <summary>Scripts the outcome of the charge that will carry <paramref name="reference"/> (not yet made).</summary>
    public void Override(string reference, ScenarioOutcome outcome) => _overrides[reference] = outcome;

    public ScenarioOutcome Decide(string reference, decimal amount)
    {
        if (_overrides.TryGetValue(reference, out var scripted))
        {
            return scripted;
        }

        var o = options.Value;
        return amount switch
        {
            _ when amount == o.DeclineAmount => ScenarioOutcome.Decline,
            _ when amount == o.TimeoutAmount => ScenarioOutcome.Timeout,
            _ when amount == o.PendingThenSucceedAmount => ScenarioOutcome.PendingThenSucceed,
            _ when amount == o.PendingSilentAmount => ScenarioOutcome.PendingSilent,
            _ when amount == o.PendingThenFailAmount => ScenarioOutcome.PendingThenFail,
            _ when amount == o.NotifyLostAmount => ScenarioOutcome.NotifyLost,
            _ when amount == o.LateSuccessAmount => ScenarioOutcome.LateSuccess,
            _ => ScenarioOutcome.Succeed,
        };
    }
}
