using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace OneGate.Tests.Support.Conformance;

/// <summary>One operation of a <see cref="PublishedDocument"/>: checks a response (status, media type, body) and a
/// request body against what the document declares.</summary>
public sealed class DocumentedOperation(PublishedDocument document, string name, JsonObject operation)
{
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.Hierarchical };

    /// <summary>"METHOD /path/{template}", as the document spells the path.</summary>
    public string Name { get; } = name;

    /// <summary>The documented status codes ("200", "4XX", "default").</summary>
    public IEnumerable<string> Statuses => operation["responses"]?.AsObject().Select(r => r.Key) ?? [];

    public IEnumerable<(string Pointer, string Message)> CheckResponse(int status, string? mediaType, string body)
    {
        var responses = operation["responses"]?.AsObject();
        var response = responses?[status.ToString(CultureInfo.InvariantCulture)] ?? responses?[$"{status / 100}XX"] ?? responses?["default"];
        if (response is null)
        {
            return [("", $"status {status} is not documented (documented: {string.Join(", ", Statuses)})")];
        }

        return CheckContent(response["content"]?.AsObject(), mediaType, body, $"response:{status}");
    }

    /// <summary>The body of a request the service accepted: a client that sends what the document allows must be served.</summary>
    public IEnumerable<(string Pointer, string Message)> CheckRequest(string? mediaType, string body)
    {
        var requestBody = operation["requestBody"];
        if (body.Length == 0)
        {
            return requestBody?["required"]?.GetValue<bool>() == true ? [("", "the request body is documented as required, but the service accepted none")] : [];
        }

        return requestBody is null
            ? [("", "the service accepted a request body the document does not declare")]
            : CheckContent(requestBody["content"]?.AsObject(), mediaType, body, "request");
    }

    private IEnumerable<(string Pointer, string Message)> CheckContent(JsonObject? content, string? mediaType, string body, string cacheKey)
    {
        if (body.Length == 0)
        {
            return content is { Count: > 0 } ? [("", $"no body, but the document declares {string.Join(", ", content.Select(c => c.Key))}")] : [];
        }

        if (content is not { Count: > 0 })
        {
            return [("", $"a {mediaType} body the document does not declare")];
        }

        var media = mediaType is null ? null : content[mediaType];
        if (media is null)
        {
            return [("", $"media type {mediaType ?? "(none)"} is not documented (documented: {string.Join(", ", content.Select(c => c.Key))})")];
        }

        if (media["schema"] is not { } schema || !IsJson(mediaType!))
        {
            return [];
        }

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return [("", $"the {mediaType} body is not JSON: {ex.Message}")];
        }

        var results = document.Schema($"{Name} {cacheKey} {mediaType}", schema).Evaluate(instance, Evaluation);
        return results.IsValid ? [] : Failures(results).ToList();
    }

    /// <summary>The errors on the failing path only: a passing branch of oneOf/anyOf (or a failing one under a passing
    /// node) says nothing about the instance. A failing node whose subschemas all pass and that names no error is a
    /// oneOf that matched more than one branch (the validator gives that no message).</summary>
    private static IEnumerable<(string Pointer, string Message)> Failures(EvaluationResults node)
    {
        var failing = (node.Details ?? []).Where(d => !d.IsValid).ToList();
        var own = (node.Errors ?? new Dictionary<string, string>())
            .Select(e => (node.InstanceLocation.ToString(), $"{e.Key}: {e.Value} (schema {node.EvaluationPath})"))
            .ToList();
        if (own.Count == 0 && failing.Count == 0)
        {
            own.Add((node.InstanceLocation.ToString(), $"fails the schema at {node.EvaluationPath} although each of its subschemas passes (a oneOf matching more than one)"));
        }

        return own.Concat(failing.SelectMany(Failures)).Distinct();
    }

    private static bool IsJson(string mediaType) => mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);
}
