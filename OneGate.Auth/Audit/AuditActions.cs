namespace OneGate.Auth.Audit;

/// <summary>The <c>audit_events.action</c> values Auth writes (docs/backoffice.md lists them).</summary>
public static class AuditActions
{
    public const string UserRegister = "user.register";
    public const string UserLoginSuccess = "user.login.success";
    public const string UserLoginFailure = "user.login.failure";
    public const string UserLoginThrottled = "user.login.throttled";
    public const string UserRefreshReuse = "user.refresh.reuse";
    public const string UserLogout = "user.logout";
    public const string OperatorBootstrap = "operator.bootstrap";
    public const string OperatorLoginSucceeded = "operator.login.succeeded";
    public const string OperatorLoginFailed = "operator.login.failed";
    public const string OperatorLoginThrottled = "operator.login.throttled";
    public const string OperatorLogout = "operator.logout";
    public const string OperatorCreate = "operator.create";
    public const string OperatorRolesChange = "operator.roles.change";
    public const string OperatorTotpReset = "operator.totp.reset";
    public const string OperatorDeactivate = "operator.deactivate";
    public const string OperatorUsersSearch = "operator.users.search";
    public const string OperatorAuditExport = "operator.audit.export";
}
