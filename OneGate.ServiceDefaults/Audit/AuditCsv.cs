using System.Globalization;
using System.Text;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>
/// An audit trail as CSV (RFC 4180, CRLF), oldest first: the columns in chain order plus the hash, each value in its
/// canonical form (<see cref="AuditChain.CanonicalFields"/>) behind the formula guard of <see cref="Field"/>, so a copy
/// can be re-verified outside.
/// </summary>
public static class AuditCsv
{
    public const string Header = "id,occurred_at,actor_type,actor_id,actor_name,actor_role,action,target_type,target_id,before,after,reason,client_address,trace_id,hash";

    /// <summary>Writes <paramref name="rows"/> a page at a time (a trail holds every login of every user).</summary>
    public static async Task WriteAsync(Stream stream, IQueryable<AuditEvent> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
        await writer.WriteAsync(Header + "\r\n");
        await foreach (var row in AuditVerification.InPagesAsync(rows, cancellationToken))
        {
            var fields = AuditChain.CanonicalFields(row).Append(Convert.ToHexStringLower(row.Hash));
            await writer.WriteAsync(string.Join(',', fields.Select(Field)) + "\r\n");
        }
    }

    public static string FileName(DateTimeOffset now) => $"audit-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv";

    /// <summary>
    /// One CSV field: quoted when it holds a comma, quote or line break. A value a spreadsheet would run as a formula
    /// (starting with <c>= + - @</c>, tab or carriage return) gets a leading <c>'</c>, and so does a value that already
    /// starts with <c>'</c>, so the guard is reversible: to re-verify a copy, strip exactly one leading <c>'</c> from
    /// each value that starts with one.
    /// </summary>
    public static string Field(string? value)
    {
        if (value is null)
        {
            return "";
        }

        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
