using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OneGate.Transaction.History;

/// <summary>Endpoint metadata: the 200 response may come from <see cref="HistoryCache"/> and carries <c>X-Cache</c>.</summary>
public sealed class CachedResponse
{
    /// <summary>Documents the <c>X-Cache</c> header on the 200 response of endpoints marked <see cref="CachedResponse"/>.</summary>
    public sealed class OpenApiTransformer : IOpenApiOperationTransformer
    {
        public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<CachedResponse>().Any()
                && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[HistoryCache.HeaderName] = new OpenApiHeader
                {
                    Description = "HIT: served from the cache; MISS: read from the database and cached; BYPASS: not cached " +
                                  "(the cache is off or unavailable). A cached response is never older than the caller's latest transaction.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }

            return Task.CompletedTask;
        }
    }
}
