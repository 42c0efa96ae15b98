using System.Net.Http.Headers;

namespace OneGate.Tests.Support.Conformance;

/// <summary>
/// Checks every exchange of a test's client against the service's published document and records what contradicts
/// it in <see cref="ContractViolations"/>, never throwing: a test that sends bad input on purpose still gets the
/// service's answer. Responses are always checked (every answer must be documented); a request body only when the
/// service accepted it (2xx), because a malformed request is the test's doing, not the document's.
/// </summary>
public sealed class ContractValidatingHandler(PublishedDocument document, ContractViolations violations) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = request.RequestUri is { } uri ? document.Find(request.Method.Method, uri.AbsolutePath) : null;
        var requestBody = operation is null || request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (operation is null)
        {
            return response;
        }

        string responseBody;
        try
        {
            // Buffered, so the test reads the same body afterwards.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            responseBody = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            return response; // the connection broke mid-body: nothing was answered to check
        }

        var status = (int)response.StatusCode;
        if (IsParserRefusal(status, response, responseBody))
        {
            return response;
        }

        violations.Saw(document.Service, operation.Name, status);
        Record(operation, status, "response", operation.CheckResponse(status, MediaType(response.Content.Headers.ContentType), responseBody));
        if (response.IsSuccessStatusCode)
        {
            Record(operation, status, "request", operation.CheckRequest(MediaType(request.Content?.Headers.ContentType), requestBody));
        }

        return response;
    }

    private void Record(DocumentedOperation operation, int status, string part, IEnumerable<(string Pointer, string Message)> failures)
    {
        foreach (var (pointer, message) in failures)
        {
            violations.Record(new ContractViolation(document.Service, operation.Name, status, part, pointer, message));
        }
    }

    /// <summary>
    /// Kestrel's HTTP parser refuses some requests (an encoded NUL in the path, an oversized request line or header)
    /// with a bare 400/414/431 before any application code runs; the application itself never answers a bare 4xx
    /// (status code pages make every one a problem), so such an answer is not the document's to describe.
    /// </summary>
    private static bool IsParserRefusal(int status, HttpResponseMessage response, string body) =>
        status is 400 or 414 or 431 && body.Length == 0 && response.Content.Headers.ContentType is null;

    private static string? MediaType(MediaTypeHeaderValue? contentType) => contentType?.MediaType;
}
