namespace OneGate.Auth.Tokens;

/// <summary>Section <c>Auth:Tokens</c>. The contract fixes 15 minutes and 7 days; tests may shorten them.</summary>
public sealed class TokenLifetimeOptions
{
    public const string Section = "Auth:Tokens";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);
}
