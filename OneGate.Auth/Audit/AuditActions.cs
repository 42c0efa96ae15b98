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
}
