using System.Globalization;
using System.Text.Json;

namespace OneGate.Payment.Idempotency;

/// <summary>
/// One written form per JSON value, so a request fingerprint compares values, not text: object keys sorted
/// (ordinal), no whitespace, strings re-escaped from their values, and a number that fits a decimal written by its
/// value without trailing zeros (<c>100</c>, <c>100.0</c>, <c>100.00</c> and <c>1e2</c> are all <c>100</c>).
/// A number beyond decimal's range keeps its text as sent.
/// </summary>
public static class CanonicalJson
{
    public static byte[] Of(string json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(document.RootElement, writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(JsonElement element, Utf8JsonWriter writer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(property.Value, writer);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(item, writer);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(element), skipInputValidation: true);
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString()); // from the value: how the client escaped it does not matter
                break;
            default:
                element.WriteTo(writer); // true, false, null
                break;
        }
    }

    private static string Number(JsonElement number)
    {
        if (!number.TryGetDecimal(out var value))
        {
            return number.GetRawText();
        }

        var text = value.ToString(CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
    }
}
