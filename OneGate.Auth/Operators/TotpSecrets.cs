using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OtpNet;
using QRCoder;

namespace OneGate.Auth.Operators;

/// <summary>
/// Operators' TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s, as every authenticator app expects). The secret
/// must be read back to check a code, so it is stored encrypted, not hashed: AES-256-GCM under
/// <see cref="OperatorOptions.TotpKey"/>, bound to the operator's username (the associated data), so a row's secret
/// copied onto another operator does not decrypt. Stored as nonce (12) ‖ tag (16) ‖ ciphertext.
/// </summary>
public sealed class TotpSecrets(IOptions<OperatorOptions> options)
{
    public const string Issuer = "OneGate Back Office";
    private const int SecretLength = 20;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    private readonly byte[] key = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.TotpKey));

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretLength);

    public byte[] Protect(byte[] secret, string username)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var stored = new byte[NonceLength + TagLength + secret.Length];
        var nonce = stored.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, secret, stored.AsSpan(NonceLength + TagLength), stored.AsSpan(NonceLength, TagLength), Encoding.UTF8.GetBytes(username));
        return stored;
    }

    public byte[] Unprotect(byte[] stored, string username)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var secret = new byte[stored.Length - NonceLength - TagLength];
        using var aes = new AesGcm(key, TagLength);
        aes.Decrypt(stored.AsSpan(0, NonceLength), stored.AsSpan(NonceLength + TagLength), stored.AsSpan(NonceLength, TagLength), secret,
            Encoding.UTF8.GetBytes(username));
        return secret;
    }

    /// <summary>
    /// The time step <paramref name="code"/> belongs to, within one step either side of now (clock drift and a code
    /// typed as it rolls over), or null when it matches none. The caller accepts it only if it is later than the
    /// operator's last accepted step, so each code is good once.
    /// </summary>
    public static long? MatchStep(byte[] secret, string code, DateTimeOffset now)
    {
        var totp = new Totp(secret);
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>The <c>otpauth://</c> URI an authenticator app enrols from (Key Uri Format).</summary>
    public static string EnrolmentUri(string username, byte[] secret) =>
        new OtpUri(OtpType.Totp, secret, username, Issuer).ToString();

    /// <summary>The enrolment URI as a QR code, PNG.</summary>
    public static byte[] QrCodePng(string enrolmentUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(enrolmentUri, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }
}
