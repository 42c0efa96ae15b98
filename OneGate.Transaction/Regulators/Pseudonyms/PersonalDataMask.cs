namespace OneGate.Transaction.Regulators.Pseudonyms;

/// <summary>
/// The contract's masks for regulators. A username keeps its first two and last character around <c>***</c>
/// (<c>budi</c> → <c>bu***i</c>); a phone keeps the first five digits after <c>+</c> and the last four, every other
/// digit <c>*</c> (<c>+6281234565678</c> → <c>+62812****5678</c>). Whatever is too short to hide anything that way
/// (a name of 3 characters or fewer, a phone of fewer than 10 digits), or is unknown, is hidden whole: never null.
/// </summary>
public static class PersonalDataMask
{
    public const string HiddenUsername = "***";
    public const string HiddenPhone = "+***";

    private const int PhoneHead = 5;
    private const int PhoneTail = 4;

    public static string Username(string? username) =>
        username is { Length: > 3 } ? $"{username[..2]}***{username[^1]}" : HiddenUsername;

    public static string Phone(string? phone)
    {
        var digits = phone is null ? "" : string.Concat(phone.Where(char.IsAsciiDigit));
        if (digits.Length <= PhoneHead + PhoneTail)
        {
            return HiddenPhone;
        }

        return $"+{digits[..PhoneHead]}{new string('*', digits.Length - PhoneHead - PhoneTail)}{digits[^PhoneTail..]}";
    }
}
