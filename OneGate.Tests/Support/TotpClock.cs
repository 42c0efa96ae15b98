using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace OneGate.Tests.Support;

/// <summary>
/// Computes an operator's TOTP codes (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps), independently of the service's
/// library, and hands each step out once: Auth accepts a code once, and one step either side of now.
/// </summary>
public sealed class TotpClock
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private long lastStep;

    public static long CurrentStep => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    /// <summary>A code not handed out before: this step's, else the next step's; waits when both are used.</summary>
    public async Task<string> NextCodeAsync(byte[] secret)
    {
        await gate.WaitAsync();
        try
        {
            var step = Math.Max(CurrentStep, lastStep + 1);
            while (step > CurrentStep + 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            lastStep = step;
            return Code(secret, step);
        }
        finally
        {
            gate.Release();
        }
    }

    public static string Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(secret, counter);
        var offset = hash[^1] & 0x0F;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset, 4)) & 0x7FFFFFFF) % 1_000_000;
        return value.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>The secret of an otpauth URI (base32, RFC 4648, unpadded).</summary>
    public static byte[] UriSecret(string uri)
    {
        var base32 = Uri.UnescapeDataString(uri.Split("secret=")[1].Split('&')[0]).TrimEnd('=');
        var bits = string.Concat(base32.Select(c => Convert.ToString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".IndexOf(c, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }
}
