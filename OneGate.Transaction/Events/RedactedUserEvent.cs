using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneGate.Transaction.Events;

/// <summary>
/// A dead-lettered user event without its personal data: only what diagnosis and the version rule need (the event's
/// id, type, schema version and time, the user's id and state version) and why and when it was redacted. Fields are
/// copied by name from a short list, never by removing known ones, so a field a later schema adds is dropped too.
/// </summary>
public static class RedactedUserEvent
{
    private const int MaxTextLength = 100;
    private static readonly string[] EventFields = ["eventId", "eventType", "version", "occurredAt"];
    private static readonly string[] UserFields = ["userId", "version"];
    private static readonly string[] MarkerFields = ["redacted", "redactedAt", "user"];

    /// <summary>The user id and state version the payload claims, when it has both.</summary>
    public static (int UserId, int Version)? UserVersion(string payload) =>
        Parse(payload) is { } root && root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
        && Int(user, "userId") is { } userId && Int(user, "version") is { } version ? (userId, version) : null;

    /// <summary>Whether the payload is already a redaction (only the kept fields and the marker).</summary>
    public static bool IsRedacted(string payload) =>
        Parse(payload) is { } root && root.TryGetProperty("redacted", out var marker) && marker.ValueKind == JsonValueKind.String
        && root.EnumerateObject().All(p => EventFields.Contains(p.Name) || MarkerFields.Contains(p.Name))
        && (!root.TryGetProperty("user", out var user)
            || (user.ValueKind == JsonValueKind.Object && user.EnumerateObject().All(p => UserFields.Contains(p.Name))));

    /// <summary>The payload's kept fields (none when it is not a JSON object) and the reason.</summary>
    public static string Redact(string payload, string reason, DateTimeOffset at)
    {
        var source = Parse(payload);
        var redacted = new JsonObject
        {
            ["redacted"] = reason,
            ["redactedAt"] = at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        Copy(source, redacted, EventFields);
        if (source is { } root && root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object)
        {
            var kept = new JsonObject();
            Copy(user, kept, UserFields);
            redacted["user"] = kept;
        }

        return redacted.ToJsonString();
    }

    /// <summary>Copies numbers and short strings; an object, an array or a long text could carry anything.</summary>
    private static void Copy(JsonElement? from, JsonObject to, string[] fields)
    {
        foreach (var field in fields)
        {
            if (from is { } source && source.TryGetProperty(field, out var value)
                && (value.ValueKind == JsonValueKind.Number || (value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= MaxTextLength)))
            {
                to[field] = JsonValue.Create(value);
            }
        }
    }

    private static int? Int(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    /// <summary>The payload as a JSON object, or null when it is not one.</summary>
    private static JsonElement? Parse(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
