using System.Text.RegularExpressions;
using OneGate.Auth.Users;

namespace OneGate.Auth.Registration;

/// <summary>The contract's rules for a new account, applied before anything is stored.</summary>
public static partial class RegistrationRules
{
    public sealed record NewAccount(string Username, string Email, string Phone, string Password);

    public static Dictionary<string, string[]> Validate(RegisterRequest request, out NewAccount? account)
    {
        var errors = new Dictionary<string, string[]>();
        var username = request.Username?.Trim().ToLowerInvariant();
        var email = request.Email?.Trim();
        var phone = PhoneNumber.Normalise(request.Phone);

        if (!IsUsername(username))
        {
            // At least one letter: a username of digits could be taken for a phone number at login and in transfers.
            errors["username"] = ["Use 3 to 50 characters: letters a-z, digits, '_' or '.', at least one letter."];
        }

        if (!IsEmail(email))
        {
            errors["email"] = ["Enter a valid e-mail address (at most 255 characters)."];
        }

        if (phone is null)
        {
            errors["phone"] = ["Enter an Indonesian mobile number, e.g. 081234567890 or +6281234567890."];
        }

        if (request.Password is null || request.Password.Length is < 8 or > 128)
        {
            errors["password"] = ["Use 8 to 128 characters."];
        }

        account = errors.Count == 0 ? new NewAccount(username!, email!, phone!, request.Password!) : null;
        return errors;
    }

    /// <summary>Whether <paramref name="username"/> (trimmed, lower case) is one a user could have registered.</summary>
    public static bool IsUsername(string? username) =>
        !string.IsNullOrEmpty(username) && username.Length is >= 3 and <= 50 && UsernamePattern().IsMatch(username);

    /// <summary>Whether <paramref name="email"/> (trimmed) is one a user could have registered.</summary>
    public static bool IsEmail(string? email) => !string.IsNullOrEmpty(email) && email.Length <= 255 && EmailPattern().IsMatch(email);

    [GeneratedRegex("^[a-z0-9_.]*[a-z][a-z0-9_.]*$")]
    private static partial Regex UsernamePattern();

    // Deliberately plain: one @, no spaces or control characters, a dot in the domain. Deliverability is
    // proven by e-mail verification, not by a regex.
    [GeneratedRegex(@"^[^@\s\p{C}]+@[^@\s\p{C}]+\.[^@\s\p{C}.]{2,}$")]
    private static partial Regex EmailPattern();
}
