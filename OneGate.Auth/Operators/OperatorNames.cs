using System.Text.RegularExpressions;

namespace OneGate.Auth.Operators;

/// <summary>An operator's username: 3 to 50 of a-z, 0-9, '.', '_' and '-', starting with a letter; compared lower-cased.</summary>
public static partial class OperatorNames
{
    /// <summary>The lower-cased name, or null when it is not one.</summary>
    public static string? Validate(string? name) =>
        name?.Trim().ToLowerInvariant() is { } lower && Pattern().IsMatch(lower) ? lower : null;

    [GeneratedRegex("^[a-z][a-z0-9._-]{2,49}$")]
    private static partial Regex Pattern();
}
