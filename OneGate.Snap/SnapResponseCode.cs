using System.Globalization;

namespace OneGate.Snap;

/// <summary>
/// A SNAP <c>responseCode</c>: 7 digits, the HTTP status, the 2-digit service code and the 2-digit case code
/// (<c>2005400</c> = success of service 54).
/// </summary>
public readonly record struct SnapResponseCode(int HttpStatus, string Service, string Case)
{
    public static SnapResponseCode Of(int httpStatus, string service, string caseCode) => new(httpStatus, service, caseCode);

    public static bool TryParse(string? text, out SnapResponseCode code)
    {
        code = default;
        if (text is not { Length: 7 } || !text.AsSpan().ContainsOnlyDigits())
        {
            return false;
        }

        code = new SnapResponseCode(int.Parse(text.AsSpan(0, 3), CultureInfo.InvariantCulture), text.Substring(3, 2), text.Substring(5, 2));
        return true;
    }

    public override string ToString() => $"{HttpStatus:000}{Service}{Case}";
}
