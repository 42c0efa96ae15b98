using System.Globalization;
using System.Text.RegularExpressions;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;

namespace OneGate.Auth.Passwords;

/// <summary>Argon2id password hashing with bounded concurrency and equal cost for unknown users.</summary>
public sealed partial class PasswordHasher : IDisposable
{
    private readonly PasswordHashingOptions options;
    private readonly SemaphoreSlim slots;
    private readonly Lazy<string> decoy;

    public PasswordHasher(IOptions<PasswordHashingOptions> options)
    {
        this.options = options.Value;
        slots = new SemaphoreSlim(this.options.MaxConcurrentHashes);
        // Verifying against a hash of the current cost makes "no such user" take as long as "wrong password".
        decoy = new Lazy<string>(() => HashNow(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));
    }

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        try
        {
            return HashNow(password);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Constant-time verification; pass <c>null</c> for an unknown user to spend the same time.</summary>
    public async Task<bool> VerifyAsync(string? encodedHash, string password, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        try
        {
            var ok = Argon2.Verify(encodedHash ?? decoy.Value, password);
            return ok && encodedHash is not null;
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>True when the stored hash was made with other parameters than the configured ones.</summary>
    public bool NeedsRehash(string encodedHash)
    {
        var match = ParametersPattern().Match(encodedHash);
        return !encodedHash.StartsWith("$argon2id$", StringComparison.Ordinal)
            || !match.Success
            || int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) != options.MemoryKiB
            || int.Parse(match.Groups["t"].Value, CultureInfo.InvariantCulture) != options.Iterations
            || int.Parse(match.Groups["p"].Value, CultureInfo.InvariantCulture) != options.Parallelism;
    }

    public void Dispose() => slots.Dispose();

    private string HashNow(string password) =>
        Argon2.Hash(password, options.Iterations, options.MemoryKiB, options.Parallelism, Argon2Type.HybridAddressing, 32);

    [GeneratedRegex(@"\$m=(?<m>\d+),t=(?<t>\d+),p=(?<p>\d+)\$")]
    private static partial Regex ParametersPattern();
}
