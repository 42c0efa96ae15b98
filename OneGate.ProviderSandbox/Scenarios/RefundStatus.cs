using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.Scenarios;

[JsonConverter(typeof(JsonStringEnumConverter<RefundStatus>))]
public enum RefundStatus
{
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>A scripted failure (<see cref="ScenarioOutcome.RefundFailsOnce"/>): answered 500, nothing refunded.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
