using System.Text.RegularExpressions;

namespace OneGate.Auth.Users;

/// <summary>Indonesian mobile numbers: accepted as 08…, 628… or +628…, stored as +628….</summary>
public static partial class PhoneNumber
{
    /// <summary>The +628… form, or null when the input is not an Indonesian mobile number.</summary>
    public static string? Normalise(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }

        // People type spaces, dashes and dots in numbers; nothing else is tolerated.
        var compact = Separators().Replace(input.Trim(), "");
        var national = compact switch
        {
            _ when compact.StartsWith("+628", StringComparison.Ordinal) => compact[3..],
            _ when compact.StartsWith("628", StringComparison.Ordinal) => compact[2..],
            _ when compact.StartsWith("08", StringComparison.Ordinal) => compact[1..],
            _ => null,
        };

        // After the 8: operator prefix and subscriber number, 8 to 12 digits in all.
        return national is not null && NationalMobile().IsMatch(national) ? "+62" + national : null;
    }

    [GeneratedRegex(@"[\s\-.]")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^8[0-9]{8,11}$")]
    private static partial Regex NationalMobile();
}
