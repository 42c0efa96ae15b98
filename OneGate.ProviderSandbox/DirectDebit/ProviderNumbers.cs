using System.Globalization;
using System.Security.Cryptography;
using OneGate.ProviderSandbox.Snap;

namespace OneGate.ProviderSandbox.DirectDebit;

/// <summary>The provider's own numbers for charges (<c>referenceNo</c>) and refunds (<c>refundNo</c>): prefix, time, random digits.</summary>
public static class ProviderNumbers
{
    public static string Charge(SandboxProvider provider, DateTimeOffset now) => New(provider == SandboxProvider.GoPay ? "GP" : "SP", now);

    public static string Refund(SandboxProvider provider, DateTimeOffset now) => New(provider == SandboxProvider.GoPay ? "GPR" : "SPR", now);

    private static string New(string prefix, DateTimeOffset now) =>
        prefix + now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)
               + RandomNumberGenerator.GetInt32(1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
}
