using System.Text.Json;

namespace OneGate.Tests.Hostile;

/// <summary>How an operation authenticates its caller.</summary>
public enum Caller
{
    Anonymous,
    Bearer,

    /// <summary>A back-office operator's token (the documents' <c>OperatorBearer</c> scheme).</summary>
    Operator,
    ApiKey,
    ProviderSignature,
}

/// <summary>A query or path parameter as the OpenAPI document declares it.</summary>
public sealed record ApiParameter(string Name, string In, bool Required);

/// <summary>A JSON body property as the OpenAPI document declares it (types as listed in the schema).</summary>
public sealed record BodyProperty(string Name, IReadOnlyList<string> Types);

/// <summary>One operation (method + path) of a service's published OpenAPI document.</summary>
public sealed record ApiOperation(
    string Service, string Method, string Path, Caller Caller, IReadOnlyList<ApiParameter> Parameters,
    bool HasJsonBody, IReadOnlyList<BodyProperty> BodyProperties)
{
    public string Name => $"{Method} {Path}";

    public bool TakesBody => Method is "POST" or "PUT" or "PATCH";

    /// <summary>Every operation of one document.</summary>
    public static IEnumerable<ApiOperation> FromDocument(string service, JsonElement document)
    {
        var schemas = document.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var s) ? s : default;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var p)
                    ? p.EnumerateArray().Select(x => new ApiParameter(x.GetProperty("name").GetString()!, x.GetProperty("in").GetString()!,
                        x.TryGetProperty("required", out var r) && r.GetBoolean())).ToList()
                    : [];
                var body = operation.Value.TryGetProperty("requestBody", out var b) && b.GetProperty("content").TryGetProperty("application/json", out var json)
                    ? (JsonElement?)json.GetProperty("schema")
                    : null;
                var method = operation.Name.ToUpperInvariant();
                yield return new ApiOperation(service, method, path.Name, CallerOf(path.Name, operation.Value), parameters,
                    body is not null, body is { } schema ? Properties(schema, schemas) : []);
            }
        }
    }

    /// <summary>
    /// The regulator key and operator token schemes come from the operation's security requirement; the provider
    /// callbacks and the anonymous Auth endpoints are named here, and everything else must refuse an anonymous caller
    /// (a new anonymous endpoint therefore fails the sweep until it is listed).
    /// </summary>
    private static Caller CallerOf(string path, JsonElement operation)
    {
        var schemes = operation.TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToHashSet()
            : [];
        return path switch
        {
            _ when schemes.Contains("RegulatorApiKey") => Caller.ApiKey,
            _ when schemes.Contains("OperatorBearer") => Caller.Operator,
            _ when path.StartsWith("/api/payments/callbacks/", StringComparison.Ordinal) => Caller.ProviderSignature,
            "/api/auth/register" or "/api/auth/login" or "/api/auth/refresh" or "/.well-known/jwks.json" or "/api/admin/auth/login" => Caller.Anonymous,
            _ => Caller.Bearer,
        };
    }

    private static List<BodyProperty> Properties(JsonElement schema, JsonElement schemas)
    {
        // A nullable body is { oneOf: [ {type: null}, {$ref} ] }.
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            schema = oneOf.EnumerateArray().First(x => x.TryGetProperty("$ref", out _));
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        }

        return schema.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().Select(p => new BodyProperty(p.Name, Types(p.Value))).ToList()
            : [];
    }

    private static List<string> Types(JsonElement property) =>
        !property.TryGetProperty("type", out var type) ? ["object"]
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList()
        : [type.GetString()!];
}
