using OneGate.Auth.Passwords;
using StackExchange.Redis;

namespace OneGate.Auth.Login;

/// <summary>
/// One login attempt's answer from <see cref="LoginThrottle.TryReserveAsync"/>: refused for
/// <see cref="RetryAfter"/> seconds, or counted. A counted attempt carries the generation of each counter's window
/// it was counted in, so giving it back touches a counter only while that window lasts.
/// </summary>
/// <param name="RetryAfter">Seconds until the attempt may be tried again; 0 when it was counted.</param>
/// <param name="Suspect">The client has failed within its window (this identifier, or any when it is held to the
/// per-client limit): its Argon2 work waits behind clean logins.</param>
/// <param name="KnownClientKey">Marks this client as one that has logged in to this identifier (set on success).</param>
/// <param name="BucketKey">The identifier's bucket of attempts for clean clients while it is under attack.</param>
public sealed record LoginReservation(int RetryAfter, bool Suspect, RedisKey[] Keys, RedisValue[] Generations, RedisKey KnownClientKey, RedisKey BucketKey)
{
    public bool Refused => RetryAfter > 0;

    /// <summary>The client logged in to this identifier within its known-client lifetime and has not failed it since.</summary>
    public bool Known { get; init; }

    /// <summary>The attempt took a token from the bucket; one that ends without a failure gives it back.</summary>
    public bool TookToken { get; init; }

    /// <summary>The Argon2 lane: a known client first (even when its address is suspect for failing other identifiers).</summary>
    public HashPriority Priority => Known ? HashPriority.KnownLogin : Suspect ? HashPriority.SuspectLogin : HashPriority.Login;
}
