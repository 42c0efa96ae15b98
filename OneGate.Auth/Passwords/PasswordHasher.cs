using System.Globalization;
using System.Text.RegularExpressions;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;

namespace OneGate.Auth.Passwords;

/// <summary>
/// Argon2id password hashing with bounded concurrency, in lane order (<see cref="HashScheduler"/>: known clients' logins,
/// new clients' clean logins, suspect logins, registrations), and equal cost for unknown users.
/// </summary>
public sealed partial class PasswordHasher
{
    private readonly PasswordHashingOptions options;
    private readonly HashScheduler slots;
    private readonly Lazy<string> decoy;

    public PasswordHasher(IOptions<PasswordHashingOptions> options)
    {
        this.options = options.Value;
        slots = new HashScheduler(this.options.MaxConcurrentHashes, this.options.MaxWaitingNewClientLogins,
            this.options.MaxWaitingSuspectLogins, this.options.MaxWaitingRegistrations);
        // Verifying against a hash of the current cost makes "no such user" take as long as "wrong password".
        decoy = new Lazy<string>(() => HashNow(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));
    }

    /// <summary>
    /// Admits a registration before it spends a Redis script and a query: false while as many are under way as may
    /// hash and wait (<see cref="HashScheduler.TryAdmit"/>). An admitted one ends with <see cref="DismissRegistration"/>.
    /// </summary>
    public bool TryAdmitRegistration() => slots.TryAdmit(HashPriority.Registration);

    public void DismissRegistration() => slots.Dismiss(HashPriority.Registration);

    /// <summary>The encoded hash for an admitted registration (<see cref="TryAdmitRegistration"/>): it waits for a slot, never refused.</summary>
    public async Task<string> HashAdmittedRegistrationAsync(string password, CancellationToken cancellationToken)
    {
        await slots.EnterAdmittedAsync(HashPriority.Registration, cancellationToken);
        try
        {
            return await OwnThread(() => HashNow(password));
        }
        finally
        {
            slots.Exit(HashPriority.Registration);
        }
    }

    /// <summary>The encoded hash, or null when a registration finds every slot busy and the line full.</summary>
    public async Task<string?> HashAsync(string password, HashPriority priority, CancellationToken cancellationToken)
    {
        if (!await slots.TryEnterAsync(priority, cancellationToken))
        {
            return null;
        }

        try
        {
            return await OwnThread(() => HashNow(password));
        }
        finally
        {
            slots.Exit(priority);
        }
    }

    /// <summary>
    /// Constant-time verification; pass <c>null</c> for an unknown user to spend the same time. Null when the login
    /// finds every slot it may take busy and its line full (a known client's login always waits, ahead of everyone).
    /// </summary>
    public async Task<bool?> VerifyAsync(string? encodedHash, string password, HashPriority priority, CancellationToken cancellationToken)
    {
        if (!await slots.TryEnterAsync(priority, cancellationToken))
        {
            return null;
        }

        try
        {
            var ok = await OwnThread(() => Argon2.Verify(encodedHash ?? decoy.Value, password));
            return ok && encodedHash is not null;
        }
        finally
        {
            slots.Exit(priority);
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

    // A hash is a tenth of a second or more of CPU: on a thread of its own rather than one of the thread pool, which has
    // as many threads as cores to start with, so the hashes the scheduler admits never leave the requests of a flood
    // (and the known logins' own request work) waiting for the pool to grow.
    private static Task<T> OwnThread<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private string HashNow(string password) =>
        Argon2.Hash(password, options.Iterations, options.MemoryKiB, options.Parallelism, Argon2Type.HybridAddressing, 32);

    [GeneratedRegex(@"\$m=(?<m>\d+),t=(?<t>\d+),p=(?<p>\d+)\$")]
    private static partial Regex ParametersPattern();
}
