namespace OneGate.Auth.Tokens;

/// <summary>Section <c>Auth:Tokens</c>. The contract fixes 15 minutes and 7 days; tests may shorten them.</summary>
public sealed class TokenLifetimeOptions
{
    public const string Section = "Auth:Tokens";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A rotated refresh token presented again within this time is refused without revoking anything (a retried
    /// request whose answer was lost); later it is reuse. The contract fixes 10 seconds.
    /// </summary>
    public TimeSpan RotatedTokenGrace { get; set; } = TimeSpan.FromSeconds(10);
}
