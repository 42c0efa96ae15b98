namespace OneGate.Payment.Admin;

/// <summary>The <c>payment.audit_events.action</c> values (docs/backoffice.md, "Payment's audit trail").</summary>
public static class AdminAuditActions
{
    /// <summary>An operator read an account (balance and recent transactions): reads of people's money are recorded too.</summary>
    public const string AccountView = "account.view";

    public const string AccountSuspend = "account.suspend";
    public const string AccountReactivate = "account.reactivate";
    public const string AccountClose = "account.close";
    public const string StrandedRefundRetry = "stranded_refund.retry";
    public const string StrandedRefundResolve = "stranded_refund.resolve";

    /// <summary>A COMPLIANCE operator exported this trail (browsing is not recorded: it would add a row per page); Auth's is named alike.</summary>
    public const string AuditExport = "operator.audit.export";

    /// <summary>Payment's chain number: the second key of the advisory lock its appends take (Auth's is 1).</summary>
    public const int ChainNumber = 2;
}
