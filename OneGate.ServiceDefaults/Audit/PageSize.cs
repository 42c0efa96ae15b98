using System.Globalization;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>The <c>limit</c> of the back office's paged lists.</summary>
public static class PageSize
{
    /// <summary>
    /// Parsed strictly (no sign, spaces or exponent), as the history's limit is: " 5" is a mistake, not 5. A bad value adds
    /// its error to <paramref name="errors"/> and gives the default.
    /// </summary>
    public static int Parse(string? limit, int defaultSize, int maxSize, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (limit is null)
        {
            return defaultSize;
        }

        if (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1 && parsed <= maxSize)
        {
            return parsed;
        }

        errors["limit"] = [$"A whole number from 1 to {maxSize}."];
        return defaultSize;
    }
}
