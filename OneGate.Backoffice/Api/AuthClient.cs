namespace OneGate.Backoffice.Api;

/// <summary>Auth's back office: operator login and logout, users, operators (ADMIN), its audit trail.</summary>
public sealed class AuthClient(HttpClient http) : AdminServiceClient(http)
{
    public Task<ApiResult<OperatorLogin>> LoginAsync(string username, string password, string code, CancellationToken cancellationToken) =>
        PostAsync<OperatorLogin>("/api/admin/auth/login", new { username, password, code }, cancellationToken);

    public Task<ApiResult<object>> LogoutAsync(CancellationToken cancellationToken) =>
        PostAsync<object>("/api/admin/auth/logout", new { }, cancellationToken);

    /// <param name="by">username, email, phone or userId.</param>
    public Task<ApiResult<List<UserView>>> SearchUsersAsync(string by, string value, CancellationToken cancellationToken) =>
        GetAsync<List<UserView>>("/api/admin/users" + Query((by, value)), cancellationToken);

    public Task<ApiResult<List<OperatorView>>> OperatorsAsync(CancellationToken cancellationToken) =>
        GetAsync<List<OperatorView>>("/api/admin/operators", cancellationToken);

    public Task<ApiResult<EnrolledOperator>> CreateOperatorAsync(string username, string password, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        PostAsync<EnrolledOperator>("/api/admin/operators", new { username, password, roles }, cancellationToken);

    public Task<ApiResult<OperatorView>> ChangeRolesAsync(int id, IReadOnlyList<string> roles, string? reason, CancellationToken cancellationToken) =>
        PutAsync<OperatorView>($"/api/admin/operators/{id}/roles", new { roles, reason }, cancellationToken);

    public Task<ApiResult<EnrolledOperator>> ResetTotpAsync(int id, string? reason, CancellationToken cancellationToken) =>
        PostAsync<EnrolledOperator>($"/api/admin/operators/{id}/totp-reset", new { reason }, cancellationToken);

    public Task<ApiResult<OperatorView>> DeactivateAsync(int id, string reason, CancellationToken cancellationToken) =>
        PostAsync<OperatorView>($"/api/admin/operators/{id}/deactivate", new { reason }, cancellationToken);
}
