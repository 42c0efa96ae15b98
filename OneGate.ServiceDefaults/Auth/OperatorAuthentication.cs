namespace OneGate.ServiceDefaults.Auth;

/// <summary>
/// The back office's bearer scheme (docs/backoffice.md, "Operator tokens"): ES256 tokens from the same issuer and keys
/// as users' but with the audience <see cref="TokenValidationSettings.OperatorAudience"/>, so neither kind of token
/// passes the other's scheme. Each request at any service checks the operator's session in Redis and slides its idle
/// expiry (<see cref="SessionKeys.ForOperator"/>).
/// </summary>
public static class OperatorAuthentication
{
    public const string SchemeName = "Operator";

    /// <summary>The operator's username.</summary>
    public const string NameClaim = "name";

    /// <summary>Every role of the operator at login (a JSON array; one claim per role once validated).</summary>
    public const string RolesClaim = "roles";

    /// <summary>The session's idle timeout in seconds: each request at any service extends the session by this much.</summary>
    public const string IdleClaim = "idle";

    /// <summary>The longest idle timeout a token may carry (its absolute expiry bounds the session anyway).</summary>
    public const int MaxIdleSeconds = 24 * 3600;
}
