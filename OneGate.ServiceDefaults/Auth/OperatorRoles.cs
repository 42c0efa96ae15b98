namespace OneGate.ServiceDefaults.Auth;

/// <summary>What an operator may do (docs/backoffice.md, "Operators"); a token carries every role of its operator.</summary>
public static class OperatorRoles
{
    /// <summary>Reads: finds users and accounts, sees their state.</summary>
    public const string Support = "SUPPORT";

    /// <summary>Account status, stranded-money follow-up, dead letters.</summary>
    public const string Operations = "OPERATIONS";

    /// <summary>Regulator services and keys, access logs, the audit trail.</summary>
    public const string Compliance = "COMPLIANCE";

    /// <summary>Operators: create, assign roles, reset TOTP, deactivate.</summary>
    public const string Admin = "ADMIN";

    public static readonly IReadOnlyList<string> All = [Support, Operations, Compliance, Admin];
}
