namespace OneGate.ServiceDefaults.Audit;

/// <summary>CSV (RFC 4180) fields of the back office's exports, safe to open in a spreadsheet.</summary>
public static class CsvField
{
    /// <summary>
    /// One field: quoted when it holds a comma, quote or line break; a value starting with <c>=</c>, <c>+</c>, <c>-</c>,
    /// <c>@</c>, tab or carriage return is prefixed with <c>'</c>, so a spreadsheet shows it as text instead of running it
    /// as a formula (values from clients reach these files: paths, user agents, reasons).
    /// </summary>
    public static string Of(string? value)
    {
        if (value is null)
        {
            return "";
        }

        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>One CSV line (CRLF-terminated).</summary>
    public static string Line(IEnumerable<string?> values) => string.Join(',', values.Select(Of)) + "\r\n";
}
