namespace OneGate.Transaction.Audit;

/// <summary>The <c>transaction.audit_events.action</c> values (docs/backoffice.md, "Transaction's back office").</summary>
public static class TransactionAuditActions
{
    public const string ServiceCreate = "regulator_service.create";
    public const string KeyIssue = "api_key.issue";
    public const string KeyRotate = "api_key.rotate";
    public const string KeyRevoke = "api_key.revoke";
    public const string KeyLimits = "api_key.limits";

    /// <summary>An operator read regulators' access logs (who called what, from where): sensitive, so every page is recorded.</summary>
    public const string AccessLogsView = "access_logs.view";

    public const string AccessLogsExport = "access_logs.export";
    public const string DeadLetterReplay = "dead_letter.replay";

    /// <summary>A redacted user event removed without being sent (nothing left to apply).</summary>
    public const string DeadLetterDrop = "dead_letter.drop";

    /// <summary>An export of this trail (the same action in Auth's and Payment's chains).</summary>
    public const string AuditExport = "operator.audit.export";

    /// <summary>Transaction's chain number: the second key of the advisory lock its appends take (Auth 1, Payment 2).</summary>
    public const int ChainNumber = 3;
}
