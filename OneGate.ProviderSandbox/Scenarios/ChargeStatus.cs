using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Provider-neutral state of a charge; each provider API spells it its own way on the wire.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChargeStatus>))]
public enum ChargeStatus
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("settled")]
    Settled,

    [JsonStringEnumMemberName("declined")]
    Declined,
}
