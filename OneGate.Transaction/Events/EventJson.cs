using System.Text.Json;

namespace OneGate.Transaction.Events;

/// <summary>Reads a consumed message's JSON value; anything that is not JSON is a <see cref="FormatException"/> (a dead letter).</summary>
internal static class EventJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static T? Read<T>(string value)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(value, Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not JSON: {ex.Message}", ex);
        }
    }
}
