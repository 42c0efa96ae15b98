using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Which simulated e-wallet recorded a charge.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SandboxProvider>))]
public enum SandboxProvider
{
    [JsonStringEnumMemberName("gopay")]
    GoPay,

    [JsonStringEnumMemberName("shopeepay")]
    ShopeePay,
}
