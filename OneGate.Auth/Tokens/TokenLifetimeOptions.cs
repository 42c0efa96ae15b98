namespace OneGate.Auth.Tokens;

/// <summary>Section <c>Auth:Tokens</c>. The contract fixes 15 minutes and 7 days; tests may shorten them.</summary>
public sealed class TokenLifetimeOptions
{
    public const string Section = "Auth:Tokens";

    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A rotated refresh token presented again within this time is refused without revoking anything (a retried
    /// request whose answer was lost); later it is reuse. The contract fixes 10 seconds.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RotatedTokenGrace { get; set; } = TimeSpan.FromSeconds(10);
}
