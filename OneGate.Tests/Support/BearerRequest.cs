using System.Net.Http.Json;

namespace OneGate.Tests.Support;

public static class BearerRequest
{
    /// <summary>A request with <c>Authorization: Bearer</c> and, when given, a JSON body.</summary>
    public static HttpRequestMessage Of(string? accessToken, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }
}
