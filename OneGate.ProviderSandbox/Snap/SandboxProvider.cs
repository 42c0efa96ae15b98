using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>Which simulated e-wallet a charge belongs to. The member name is the options name (<c>Sandbox:Providers:GoPay</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SandboxProvider>))]
public enum SandboxProvider
{
    [JsonStringEnumMemberName("GOPAY")]
    GoPay,

    [JsonStringEnumMemberName("SHOPEE_PAY")]
    ShopeePay,
}
