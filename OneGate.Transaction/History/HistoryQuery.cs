using System.Globalization;
using OneGate.Transaction.Data;
using OneGate.Transaction.Regulators.Endpoints;

namespace OneGate.Transaction.History;

/// <summary>The query string of the history and summary endpoints, validated.</summary>
public static class HistoryQuery
{
    public static TransactionType? ParseType(string? value, Dictionary<string, string[]> errors) =>
        Parse(value, "type", LedgerLabels.Types, errors);

    public static TransactionStatus? ParseStatus(string? value, Dictionary<string, string[]> errors) =>
        Parse(value, "status", LedgerLabels.Statuses, errors);

    /// <summary>ISO 8601; a date alone means its start (UTC).</summary>
    public static DateTimeOffset? ParseTime(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            && time.Year is >= 2000 and <= 9999)
        {
            return time;
        }

        errors[field] = ["An ISO 8601 timestamp, e.g. 2026-11-24T10:15:00Z."];
        return null;
    }

    public static void CheckRange(DateTimeOffset? from, DateTimeOffset? to, Dictionary<string, string[]> errors)
    {
        if (from is not null && to is not null && from > to)
        {
            errors["from"] = ["Must not be after 'to'."];
        }
    }

    public static int ParseLimit(string? value, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 20;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= 100)
        {
            return limit;
        }

        errors["limit"] = ["A whole number from 1 to 100."];
        return 20;
    }

    private static T? Parse<T>(string? value, string field, IReadOnlyDictionary<string, T> labels, Dictionary<string, string[]> errors) where T : struct
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (labels.TryGetValue(value, out var parsed))
        {
            return parsed;
        }

        errors[field] = [$"One of {string.Join(", ", labels.Keys)}."];
        return null;
    }
}
