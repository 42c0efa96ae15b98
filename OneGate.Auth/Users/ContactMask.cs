namespace OneGate.Auth.Users;

/// <summary>
/// How SUPPORT sees a user's contact data (docs/backoffice.md, "Finding users"): enough to confirm it with the caller,
/// not to contact or impersonate them. An e-mail keeps its first character and its domain (<c>b***@example.com</c>);
/// a phone its last four digits (<c>+**********5678</c>).
/// </summary>
public static class ContactMask
{
    public static string Email(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.LastIndexOf('@');
        return at > 0 ? $"{email[0]}***{email[at..]}" : "***";
    }

    public static string Phone(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var digits = string.Concat(phone.Where(char.IsAsciiDigit));
        return digits.Length > 4 ? "+" + new string('*', digits.Length - 4) + digits[^4..] : "+***";
    }
}
