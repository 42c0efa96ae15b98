using Microsoft.AspNetCore.Authorization;

namespace OneGate.Payment.Admin;

/// <summary>
/// PLACEHOLDER until the operator bearer scheme lands (operator-auth branch): same policy names as
/// ServiceDefaults' OperatorPolicies, requiring a roles claim no user token has, so a user token gets 403.
/// </summary>
public static class AdminPolicies
{
    public const string Support = "operator:support";
    public const string Operations = "operator:operations";

    public static void Register(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Support, p => p.RequireAuthenticatedUser().RequireClaim("roles", "SUPPORT", "OPERATIONS", "COMPLIANCE"));
        options.AddPolicy(Operations, p => p.RequireAuthenticatedUser().RequireClaim("roles", "OPERATIONS"));
    }
}
