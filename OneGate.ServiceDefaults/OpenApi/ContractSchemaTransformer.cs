using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OneGate.ServiceDefaults.OpenApi;

/// <summary>
/// Corrects what the generated schemas say against what the services send:
/// <list type="bullet">
/// <item>An enum's component lists only its values. The generator put <c>null</c> into the component of an enum
/// first met as nullable (<c>PaymentMethod?</c>), and a property then declares <c>oneOf: [null, PaymentMethod]</c>:
/// a null matched both branches, so every null <c>paymentMethod</c> failed its own schema. Nullability stays where
/// it belongs, on the property.</item>
/// <item>Enums (serialised by name) and date-times are strings (a nullable date-time: string or null).</item>
/// <item>Every problem carries a string <c>code</c> and the <c>traceId</c> (<c>ProblemDetailsDefaults</c>).</item>
/// </list>
/// </summary>
public sealed class ContractSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Enum is { Count: > 0 } values)
        {
            var named = values.Where(v => v is not null).ToList();
            schema.Enum = named;
            if (named.All(v => v is JsonValue value && value.TryGetValue<string>(out _)))
            {
                schema.Type = JsonSchemaType.String;
            }
        }

        if (schema.Format == "date-time" && schema.Type is null)
        {
            // A DateTimeOffset? stays nullable (e.g. a refund's nextAttemptAt once nothing is left to attempt).
            var nullable = Nullable.GetUnderlyingType(context.JsonPropertyInfo?.PropertyType ?? context.JsonTypeInfo.Type) is not null;
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        if (context.JsonPropertyInfo is null && typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Machine-readable reason, e.g. VALIDATION_FAILED." };
            schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." };
            schema.Required ??= new HashSet<string>();
            schema.Required.Add("code");
        }

        return Task.CompletedTask;
    }
}
