namespace OneGate.Backoffice.Api;

/// <summary>Transaction's back office: regulator services and keys, access logs, dead letters, its audit trail.</summary>
public sealed class TransactionClient(HttpClient http) : AdminServiceClient(http)
{
    public Task<ApiResult<List<RegulatorServiceView>>> RegulatorsAsync(CancellationToken cancellationToken) =>
        GetAsync<List<RegulatorServiceView>>("/api/admin/regulators", cancellationToken);

    public Task<ApiResult<RegulatorServiceView>> CreateServiceAsync(NewRegulatorService service, CancellationToken cancellationToken) =>
        PostAsync<RegulatorServiceView>("/api/admin/regulators", service, cancellationToken);

    public Task<ApiResult<IssuedKey>> IssueKeyAsync(int serviceId, string name, int? expiresInDays, string? reason, CancellationToken cancellationToken) =>
        PostAsync<IssuedKey>($"/api/admin/regulators/{serviceId}/keys", new { name, expiresInDays, reason }, cancellationToken);

    public Task<ApiResult<IssuedKey>> RotateKeyAsync(Guid keyId, string? reason, CancellationToken cancellationToken) =>
        PostAsync<IssuedKey>($"/api/admin/keys/{keyId}/rotate", new { reason }, cancellationToken);

    public Task<ApiResult<RegulatorKeyView>> RevokeKeyAsync(Guid keyId, string reason, CancellationToken cancellationToken) =>
        PostAsync<RegulatorKeyView>($"/api/admin/keys/{keyId}/revoke", new { reason }, cancellationToken);

    public Task<ApiResult<RegulatorKeyView>> SetLimitsAsync(Guid keyId, RateLimits rateLimits, string? reason, CancellationToken cancellationToken) =>
        PutAsync<RegulatorKeyView>($"/api/admin/keys/{keyId}/limits", new { rateLimits, reason }, cancellationToken);

    public Task<ApiResult<AccessLogPage>> AccessLogsAsync(AccessLogQuery query, string? cursor, CancellationToken cancellationToken) =>
        GetAsync<AccessLogPage>("/api/admin/access-logs" + Query([.. query.Parameters(), ("cursor", cursor)]), cancellationToken);

    public Task<HttpResponseMessage> ExportAccessLogsAsync(AccessLogQuery query, CancellationToken cancellationToken) =>
        DownloadAsync("/api/admin/access-logs/export" + Query(query.Parameters()), cancellationToken);

    public Task<ApiResult<DeadLetterPage>> DeadLettersAsync(string? cursor, CancellationToken cancellationToken) =>
        GetAsync<DeadLetterPage>("/api/admin/dead-letters" + Query(("cursor", cursor)), cancellationToken);

    public Task<ApiResult<ReplaySummary>> ReplayAllAsync(string? reason, CancellationToken cancellationToken) =>
        PostAsync<ReplaySummary>("/api/admin/dead-letters/replay", new { reason }, cancellationToken);

    public Task<ApiResult<ReplayOutcome>> ReplayAsync(long id, string? reason, CancellationToken cancellationToken) =>
        PostAsync<ReplayOutcome>($"/api/admin/dead-letters/{id}/replay", new { reason }, cancellationToken);
}
