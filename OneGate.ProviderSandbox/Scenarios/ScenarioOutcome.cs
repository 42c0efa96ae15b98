using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>What the sandbox does with one charge. Chosen by amount or by a per-reference override.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScenarioOutcome>))]
public enum ScenarioOutcome
{
    /// <summary>Settled at once.</summary>
    [JsonStringEnumMemberName("succeed")]
    Succeed,

    /// <summary>Declined at once.</summary>
    [JsonStringEnumMemberName("decline")]
    Decline,

    /// <summary>Recorded as pending, settled after the settle delay, but answered only after the timeout delay.</summary>
    [JsonStringEnumMemberName("timeout")]
    Timeout,

    /// <summary>Pending, then settled and a signed callback after the callback delay.</summary>
    [JsonStringEnumMemberName("pending_then_succeed")]
    PendingThenSucceed,

    /// <summary>Pending, then settled after the settle delay with no callback (reconciliation must find it).</summary>
    [JsonStringEnumMemberName("pending_silent")]
    PendingSilent,

    /// <summary>Pending, then declined and a signed callback after the callback delay.</summary>
    [JsonStringEnumMemberName("pending_then_fail")]
    PendingThenFail,
}
