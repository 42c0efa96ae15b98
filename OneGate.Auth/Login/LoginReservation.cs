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
public sealed record LoginReservation(int RetryAfter, bool Suspect, RedisKey[] Keys, RedisValue[] Generations, RedisKey KnownClientKey)
{
    public bool Refused => RetryAfter > 0;
}
