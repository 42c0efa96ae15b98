using Microsoft.AspNetCore.Authorization;

namespace OneGate.ServiceDefaults.Auth;

/// <summary>
/// Authorization policies of the back office's endpoints, each accepting only operator tokens (the
/// <see cref="OperatorAuthentication.SchemeName"/> scheme). <see cref="Support"/> (reading users and accounts) accepts
/// SUPPORT, OPERATIONS and COMPLIANCE, whose work starts with finding the user; ADMIN manages operators only and reads
/// nothing else unless it gives itself another role, which the audit trail records. The others accept their own role.
/// </summary>
public static class OperatorPolicies
{
    public const string Support = "operator:support";
    public const string Operations = "operator:operations";
    public const string Compliance = "operator:compliance";
    public const string Admin = "operator:admin";

    /// <summary>Any active operator session, whatever its roles (logout, the session's own state).</summary>
    public const string AnyOperator = "operator:any";

    public static readonly IReadOnlyList<string> All = [Support, Operations, Compliance, Admin, AnyOperator];

    public static void Register(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Support, Roles(OperatorRoles.Support, OperatorRoles.Operations, OperatorRoles.Compliance));
        options.AddPolicy(Operations, Roles(OperatorRoles.Operations));
        options.AddPolicy(Compliance, Roles(OperatorRoles.Compliance));
        options.AddPolicy(Admin, Roles(OperatorRoles.Admin));
        options.AddPolicy(AnyOperator, Roles(OperatorRoles.All.ToArray()));
    }

    private static AuthorizationPolicy Roles(params string[] roles) =>
        new AuthorizationPolicyBuilder(OperatorAuthentication.SchemeName).RequireAuthenticatedUser().RequireRole(roles).Build();
}
