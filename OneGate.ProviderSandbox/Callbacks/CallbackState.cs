using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.Callbacks;

[JsonConverter(typeof(JsonStringEnumConverter<CallbackState>))]
public enum CallbackState
{
    /// <summary>This charge's scenario sends no callback.</summary>
    [JsonStringEnumMemberName("not_planned")]
    NotPlanned,

    /// <summary>Will be sent when the charge resolves.</summary>
    [JsonStringEnumMemberName("planned")]
    Planned,

    [JsonStringEnumMemberName("delivering")]
    Delivering,

    /// <summary>The callback URL answered 2xx.</summary>
    [JsonStringEnumMemberName("delivered")]
    Delivered,

    /// <summary>Every attempt failed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
