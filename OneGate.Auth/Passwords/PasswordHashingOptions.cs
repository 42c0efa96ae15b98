using System.ComponentModel.DataAnnotations;

namespace OneGate.Auth.Passwords;

/// <summary>
/// Argon2id cost (section <c>Auth:Passwords</c>). Default m=19 MiB, t=2, p=1: OWASP's recommended
/// baseline for Argon2id; measured ~120 ms per hash on the 2-core dev/CI machine with Isopoh's managed
/// implementation. Raising it rehashes each user's password at their next login.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Auth:Passwords";

    [Range(8 * 1024, 1024 * 1024)]
    public int MemoryKiB { get; set; } = 19 * 1024;

    [Range(1, 20)]
    public int Iterations { get; set; } = 2;

    [Range(1, 16)]
    public int Parallelism { get; set; } = 1;

    /// <summary>Hashes computed at once; each holds MemoryKiB, so this bounds memory under a login flood.</summary>
    [Range(1, 256)]
    public int MaxConcurrentHashes { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Clean logins from clients new to their identifier that may wait for a hash slot; more are refused with 503 and
    /// Retry-After, their attempt not counted and any clean-client bucket token refunded. Known clients' logins go
    /// first, so a flood from fresh addresses holds at most this many requests and never delays them behind it.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxWaitingNewClientLogins { get; set; } = 32;

    /// <summary>
    /// Registrations that may wait for a hash slot; more are refused with 503 and Retry-After. Logins go first, so
    /// this bounds how long a registration can wait and how much a flood holds.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxWaitingRegistrations { get; set; } = 16;

    /// <summary>
    /// Suspect logins (their client has failed within its window) that may wait for a hash slot; more are refused
    /// with 503 and Retry-After, their attempt not counted. Clean logins go first, so a flood of failing logins holds
    /// at most this many requests and never delays a clean login behind it.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxWaitingSuspectLogins { get; set; } = 32;
}
