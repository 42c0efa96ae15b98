namespace OneGate.Tests.Support.Conformance;

/// <summary>
/// The published OpenAPI documents of the app's HTTP services, loaded once the app is healthy, and the violations
/// found by the <see cref="ContractValidatingHandler"/> on every client the fixture hands out for them.
/// </summary>
public sealed class ContractConformance
{
    public static readonly string[] Services = ["auth", "payment", "transaction"];
    private readonly Dictionary<string, PublishedDocument> documents = [];

    public ContractViolations Violations { get; } = new();

    public IReadOnlyDictionary<string, PublishedDocument> Documents => documents;

    public async Task LoadAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        foreach (var service in Services)
        {
            using var client = app.CreateHttpClient(service, "http");
            documents[service] = PublishedDocument.Parse(service, await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), cancellationToken));
        }
    }

    /// <summary>A validating handler in front of <paramref name="inner"/> for a service with a document; otherwise inner itself.</summary>
    public HttpMessageHandler Wrap(string resource, HttpMessageHandler inner) =>
        documents.TryGetValue(resource, out var document) ? new ContractValidatingHandler(document, Violations) { InnerHandler = inner } : inner;
}
