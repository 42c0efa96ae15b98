using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OneGate.ServiceDefaults.OpenApi;

/// <summary>Declares the <c>Retry-After</c> header (seconds) that a 429 or 503 of OneGate carries when it can tell.</summary>
public sealed class RetryAfterHeaderTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status is "429" or "503" && response is OpenApiResponse concrete)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying (when the service can tell).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                };
            }
        }

        return Task.CompletedTask;
    }
}
