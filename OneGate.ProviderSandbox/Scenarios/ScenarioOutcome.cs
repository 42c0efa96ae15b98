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

    /// <summary>Pending, then settled and a signed notification after the callback delay.</summary>
    [JsonStringEnumMemberName("pending_then_succeed")]
    PendingThenSucceed,

    /// <summary>Pending, then settled after the settle delay with no notification (reconciliation must find it).</summary>
    [JsonStringEnumMemberName("pending_silent")]
    PendingSilent,

    /// <summary>Pending, then declined and a signed notification after the callback delay.</summary>
    [JsonStringEnumMemberName("pending_then_fail")]
    PendingThenFail,

    /// <summary>Pending, then settled after the callback delay; the notification is sent but lost on the way (never arrives).</summary>
    [JsonStringEnumMemberName("notify_lost")]
    NotifyLost,

    /// <summary>Pending (status "03") for the late-success delay, then settled and notified: success after the partner gave up.</summary>
    [JsonStringEnumMemberName("late_success")]
    LateSuccess,

    /// <summary>Settled at once; the first refund call fails (500, nothing refunded), later ones succeed.</summary>
    [JsonStringEnumMemberName("refund_fails_once")]
    RefundFailsOnce,
}
