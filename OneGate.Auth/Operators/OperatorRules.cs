using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Operators;

/// <summary>What an operator's fields must be; each check returns the error message, or null when the value is fine.</summary>
public static class OperatorRules
{
    public static string? PasswordError(string? password) =>
        password is { Length: >= 12 and <= 128 } && !password.Any(char.IsControl) ? null : "Choose a password of 12 to 128 characters.";

    public static string? RolesError(IReadOnlyList<string>? roles) =>
        roles is { Count: > 0 } && roles.All(r => OperatorRoles.All.Contains(r)) && roles.Distinct().Count() == roles.Count
            ? null
            : $"Give one or more distinct roles of {string.Join(", ", OperatorRoles.All)}.";

    public static string? ReasonError(string? reason) =>
        reason is null || (reason.Length <= 500 && !reason.Any(c => char.IsControl(c) && c is not '\n')) ? null : "A reason has at most 500 characters.";

    /// <summary>Roles in the order of <see cref="OperatorRoles.All"/>, so the same set is always stored and shown alike.</summary>
    public static List<string> Canonical(IEnumerable<string> roles) => OperatorRoles.All.Where(roles.Contains).ToList();
}
