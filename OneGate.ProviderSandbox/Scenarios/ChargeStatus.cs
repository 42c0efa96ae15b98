using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Provider-neutral state of a charge; SNAP spells it as latestTransactionStatus.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChargeStatus>))]
public enum ChargeStatus
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("settled")]
    Settled,

    [JsonStringEnumMemberName("declined")]
    Declined,

    /// <summary>Settled, then refunded in full.</summary>
    [JsonStringEnumMemberName("refunded")]
    Refunded,
}
