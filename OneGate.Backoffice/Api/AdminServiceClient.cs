using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneGate.Backoffice.Api;

/// <summary>
/// What the console's typed clients share: JSON in and out, a failure read as the service's problem. The operator's
/// token is added (and an ended session detected) by <see cref="OperatorTokenHandler"/> in the client's pipeline.
/// </summary>
public abstract class AdminServiceClient(HttpClient http)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    protected Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    protected Task<ApiResult<T>> PostAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken);

    protected Task<ApiResult<T>> PutAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken);

    /// <summary>A page of the service's audit trail (Auth, Payment and Transaction each keep one, same API), newest first.</summary>
    public Task<ApiResult<AuditPageView>> BrowseAuditAsync(AuditQuery query, string? cursor, CancellationToken cancellationToken) =>
        GetAsync<AuditPageView>("/api/admin/audit" + Query([.. query.Parameters(), ("cursor", cursor)]), cancellationToken);

    /// <summary>The trail as CSV, oldest first (the export is audited by the service).</summary>
    public Task<HttpResponseMessage> ExportAuditAsync(AuditQuery query, CancellationToken cancellationToken) =>
        DownloadAsync("/api/admin/audit/export" + Query(query.Parameters()), cancellationToken);

    /// <summary>The response itself, for a download passed through to the browser (CSV exports). The caller disposes it.</summary>
    public Task<HttpResponseMessage> DownloadAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await http.SendAsync(request, cancellationToken))
        {
            if (!response.IsSuccessStatusCode)
            {
                return ApiResult<T>.Failure(await ApiProblem.ReadAsync(response, cancellationToken));
            }

            if (response.Content.Headers.ContentLength == 0 || response.StatusCode == System.Net.HttpStatusCode.NoContent)
            {
                return ApiResult<T>.Success(default!);
            }

            return ApiResult<T>.Success((await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!);
        }
    }

    /// <summary>A query string of the values given (empty ones left out), escaped.</summary>
    protected static string Query(params (string Name, string? Value)[] values)
    {
        var given = values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => $"{v.Name}={Uri.EscapeDataString(v.Value!.Trim())}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }
}
