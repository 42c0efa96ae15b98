using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>
/// The hash chain of <c>audit_events</c> (docs/backoffice.md, "The audit chain"):
/// <c>hash(n) = SHA-256(hash(n-1) ‖ canonical(row n))</c>, with 32 zero bytes before row 1. The canonical form is
/// the row's thirteen fields in a fixed order, each as a 4-byte big-endian length of its UTF-8 bytes followed by
/// those bytes, a null field as length 0xFFFFFFFF and no bytes: unambiguous without escaping, and easy to
/// recompute outside .NET.
/// </summary>
public static class AuditChain
{
    public const int HashLength = 32;

    /// <summary>What precedes row 1.</summary>
    public static ReadOnlySpan<byte> Genesis => new byte[HashLength];

    public static byte[] Hash(ReadOnlySpan<byte> previous, AuditEvent row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previous);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in CanonicalFields(row))
        {
            var bytes = field is null ? null : Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteUInt32BigEndian(length, bytes is null ? uint.MaxValue : (uint)bytes.Length);
            sha.AppendData(length);
            if (bytes is not null)
            {
                sha.AppendData(bytes);
            }
        }

        return sha.GetHashAndReset();
    }

    /// <summary>The fields in chain order; the id in decimal, the time in UTC to the microsecond.</summary>
    public static string?[] CanonicalFields(AuditEvent row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return
        [
            row.Id.ToString(CultureInfo.InvariantCulture),
            Timestamp(row.OccurredAt),
            row.ActorType, row.ActorId, row.ActorName, row.ActorRole,
            row.Action, row.TargetType, row.TargetId,
            row.Before, row.After, row.Reason, row.ClientAddress, row.TraceId,
        ];
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>: Postgres keeps microseconds, so that is all the hash may cover.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A time as Postgres will store it: truncated to the microsecond.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);
}
