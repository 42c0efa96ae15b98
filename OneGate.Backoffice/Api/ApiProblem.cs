using System.Net.Http.Json;
using System.Text.Json;

namespace OneGate.Backoffice.Api;

/// <summary>What a service answered instead of success: its RFC 9457 problem (title, detail, code, field errors).</summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, string? Code, IReadOnlyDictionary<string, string[]> Errors)
{
    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        var fallback = new ApiProblem(status, response.ReasonPhrase ?? $"HTTP {status}", null, null, new Dictionary<string, string[]>());
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return fallback;
        }

        try
        {
            var body = await response.Content.ReadFromJsonAsync<ProblemBody>(AdminServiceClient.Json, cancellationToken);
            return body is null ? fallback : new ApiProblem(status, body.Title ?? fallback.Title, body.Detail, body.Code,
                body.Errors ?? new Dictionary<string, string[]>());
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    private sealed record ProblemBody(string? Title, string? Detail, string? Code, Dictionary<string, string[]>? Errors);
}
