using OneGate.ServiceDefaults.Auth;

namespace OneGate.Backoffice.Session;

/// <summary>Role groups of the console's pages (the services' policies decide; the console only hides what a role may not use).</summary>
public static class Roles
{
    /// <summary>The roles that may read users and accounts (the services' <c>OperatorPolicies.Support</c>).</summary>
    public const string Readers = $"{OperatorRoles.Support},{OperatorRoles.Operations},{OperatorRoles.Compliance}";
}
