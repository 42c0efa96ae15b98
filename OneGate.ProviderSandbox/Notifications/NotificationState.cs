using System.Text.Json.Serialization;

namespace OneGate.ProviderSandbox.Notifications;

[JsonConverter(typeof(JsonStringEnumConverter<NotificationState>))]
public enum NotificationState
{
    /// <summary>This charge's scenario sends no notification.</summary>
    [JsonStringEnumMemberName("not_planned")]
    NotPlanned,

    /// <summary>Will be sent when the charge resolves.</summary>
    [JsonStringEnumMemberName("planned")]
    Planned,

    [JsonStringEnumMemberName("delivering")]
    Delivering,

    /// <summary>The notify URL answered 2xx with responseCode 2005600.</summary>
    [JsonStringEnumMemberName("delivered")]
    Delivered,

    /// <summary>Every attempt failed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Sent, and lost on the way (<c>notify_lost</c>): the provider believes it delivered, the partner never saw it.</summary>
    [JsonStringEnumMemberName("lost")]
    Lost,
}
