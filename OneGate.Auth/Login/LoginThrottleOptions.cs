using System.ComponentModel.DataAnnotations;

namespace OneGate.Auth.Login;

/// <summary>
/// Failed-login limits (section <c>Auth:LoginThrottle</c>), each a fixed window that starts at the first
/// failure and is never extended by refused attempts, so every lock lapses by itself:
/// 5 failures for one account from one client IP; 20 failures from one IP across accounts (password
/// spraying); 100 failures for one account from anywhere (a distributed guess). Keying the 5-attempt lock
/// on account + IP means a stranger cannot lock the owner out from the owner's own network.
/// </summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "Auth:LoginThrottle";

    [Range(1, 1000)]
    public int MaxFailuresPerAccountAndIp { get; set; } = 5;

    [Range(1, 100_000)]
    public int MaxFailuresPerIp { get; set; } = 20;

    [Range(1, 100_000)]
    public int MaxFailuresPerAccount { get; set; } = 100;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
