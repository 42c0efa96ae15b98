using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace OneGate.Tests.Support.Conformance;

/// <summary>
/// A service's OpenAPI 3.1 document (/openapi/v1.json) as a validator: finds the operation a request hit (method and
/// path template) and turns its schemas into JSON Schema 2020-12 documents that carry the document's components as
/// <c>$defs</c>, so every <c>$ref</c> resolves without a registry of remote documents.
/// </summary>
public sealed partial class PublishedDocument
{
    private const string ComponentsPrefix = "#/components/schemas/";
    private readonly JsonObject definitions;
    private readonly List<(string Method, Regex Path, int Parameters, DocumentedOperation Operation)> operations = [];
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new();

    private PublishedDocument(string service, JsonObject root)
    {
        Service = service;
        definitions = Rewritten(root["components"]?["schemas"] ?? new JsonObject()).AsObject();
        foreach (var (template, item) in root["paths"]?.AsObject() ?? [])
        {
            foreach (var (method, operation) in item!.AsObject().Where(p => p.Value is JsonObject && IsMethod(p.Key)))
            {
                var name = $"{method.ToUpperInvariant()} {template}";
                var pattern = new Regex("^" + TemplateParameter().Replace(Regex.Escape(Trimmed(template)).Replace("\\{", "{", StringComparison.Ordinal), "[^/]+") + "$");
                operations.Add((method.ToUpperInvariant(), pattern, TemplateParameter().Count(template),
                    new DocumentedOperation(this, name, operation!.AsObject())));
            }
        }
    }

    public string Service { get; }

    public IEnumerable<DocumentedOperation> Operations => operations.Select(o => o.Operation);

    public static PublishedDocument Parse(string service, string json) => new(service, JsonNode.Parse(json)!.AsObject());

    /// <summary>The operation for a request, literal paths before templated ones; null when the document has none.</summary>
    public DocumentedOperation? Find(string method, string path)
    {
        var trimmed = Trimmed(path);
        return operations.Where(o => o.Method == method && o.Path.IsMatch(trimmed)).OrderBy(o => o.Parameters).Select(o => o.Operation).FirstOrDefault();
    }

    /// <summary>A schema of this document (with <c>$ref</c>s into the components) as a standalone JSON Schema.</summary>
    internal JsonSchema Schema(string cacheKey, JsonNode schema) => schemas.GetOrAdd(cacheKey, _ =>
    {
        var standalone = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = definitions.DeepClone(),
            ["allOf"] = new JsonArray(Rewritten(schema)),
        };
        // A registry of its own: a registry is a plain dictionary, and schemas are built while tests run in parallel.
        return JsonSchema.Build(JsonSerializer.SerializeToElement(standalone), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    });

    private static JsonNode Rewritten(JsonNode node)
    {
        var copy = node.DeepClone();
        Rewrite(copy);
        return copy;
    }

    private static void Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["$ref"] is JsonValue reference && reference.GetValue<string>() is var target && target.StartsWith(ComponentsPrefix, StringComparison.Ordinal))
                {
                    o["$ref"] = "#/$defs/" + target[ComponentsPrefix.Length..];
                }

                foreach (var (_, child) in o.ToList())
                {
                    Rewrite(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Rewrite(child);
                }

                break;
        }
    }

    private static bool IsMethod(string key) => key is "get" or "put" or "post" or "delete" or "patch" or "head" or "options" or "trace";

    private static string Trimmed(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex TemplateParameter();
}
