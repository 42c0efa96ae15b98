using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneGate.Snap;

/// <summary>SNAP bodies: camelCase, minified, absent optional fields left out.</summary>
public static class SnapJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] Serialize<T>(T message) => JsonSerializer.SerializeToUtf8Bytes(message, Options);

    /// <summary>The message, or null when the bytes are not JSON of that shape.</summary>
    public static T? TryDeserialize<T>(ReadOnlySpan<byte> body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
