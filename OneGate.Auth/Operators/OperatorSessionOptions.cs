using System.ComponentModel.DataAnnotations;

namespace OneGate.Auth.Operators;

/// <summary>Section <c>Auth:OperatorSessions</c>: how long an operator's login lasts (docs/backoffice.md, "Sessions").</summary>
public sealed class OperatorSessionOptions
{
    public const string Section = "Auth:OperatorSessions";

    /// <summary>From login to the end of the session, whatever happens: the access token's expiry.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Without a request to any service for this long, the session ends.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
