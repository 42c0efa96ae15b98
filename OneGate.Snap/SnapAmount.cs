using System.Globalization;
using System.Text.Json.Serialization;

namespace OneGate.Snap;

/// <summary>SNAP's money object: <c>{"value": "102800.00", "currency": "IDR"}</c>, the value with exactly two fraction digits.</summary>
public sealed record SnapAmount(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("currency")] string Currency)
{
    public const string Idr = "IDR";

    public static SnapAmount Of(decimal amount) => new(amount.ToString("0.00", CultureInfo.InvariantCulture), Idr);

    /// <summary>Reads a well-formed IDR amount: digits, a dot, exactly two digits, positive.</summary>
    public bool TryGetValue(out decimal amount)
    {
        amount = 0;
        var v = Value;
        return Currency == Idr
               && v is { Length: >= 4 and <= 16 } && v[^3] == '.'
               && v.AsSpan(0, v.Length - 3).ContainsOnlyDigits() && v.AsSpan(v.Length - 2).ContainsOnlyDigits()
               && decimal.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount)
               && amount > 0;
    }
}
