namespace OneGate.Backoffice.Api;

/// <summary>Payment's back office: accounts (status actions), stranded money, its audit trail.</summary>
public sealed class PaymentClient(HttpClient http) : AdminServiceClient(http)
{
    public Task<ApiResult<AccountView>> AccountAsync(Guid accountId, CancellationToken cancellationToken) =>
        GetAsync<AccountView>($"/api/admin/accounts/{accountId}", cancellationToken);

    public Task<ApiResult<AccountView>> AccountOfUserAsync(int userId, CancellationToken cancellationToken) =>
        GetAsync<AccountView>($"/api/admin/users/{userId}/account", cancellationToken);

    /// <param name="action">suspend, reactivate or close.</param>
    public Task<ApiResult<AccountStatusChange>> ChangeStatusAsync(Guid accountId, string action, string reason, CancellationToken cancellationToken) =>
        PostAsync<AccountStatusChange>($"/api/admin/accounts/{accountId}/{Uri.EscapeDataString(action)}", new { reason }, cancellationToken);

    public Task<ApiResult<List<StrandedRefundView>>> StrandedMoneyAsync(bool failingOnly, CancellationToken cancellationToken) =>
        GetAsync<List<StrandedRefundView>>("/api/admin/stranded-money" + (failingOnly ? "?failing=true" : ""), cancellationToken);

    public Task<ApiResult<StrandedRefundView>> RetryRefundAsync(string transactionId, string reason, CancellationToken cancellationToken) =>
        PostAsync<StrandedRefundView>($"/api/admin/stranded-money/{Uri.EscapeDataString(transactionId)}/retry", new { reason }, cancellationToken);

    public Task<ApiResult<StrandedRefundView>> ResolveRefundAsync(string transactionId, string note, CancellationToken cancellationToken) =>
        PostAsync<StrandedRefundView>($"/api/admin/stranded-money/{Uri.EscapeDataString(transactionId)}/resolve", new { note }, cancellationToken);
}
