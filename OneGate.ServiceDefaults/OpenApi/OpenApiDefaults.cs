using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using OneGate.ServiceDefaults.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service's OpenAPI document (/openapi/v1.json) says beyond its endpoints' own metadata, so that the
/// document matches what the service answers: the contract tests validate every exchange against it.
/// </summary>
public static class OpenApiDefaults
{
    private const string ProblemJson = "application/problem+json";

    public static IServiceCollection AddOneGateOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer<ContractSchemaTransformer>();
            options.AddOperationTransformer<RetryAfterHeaderTransformer>();
        });

    /// <summary>
    /// Declares on every endpoint below the problems any request can get, whatever the endpoint: a body that cannot
    /// be read (400, 413, 415), a missing or dead access token (401), a dependency that is down (503, with
    /// Retry-After). Applied last, so it sees the body and authorization metadata the endpoints declared.
    /// </summary>
    public static TBuilder WithProblemResponses<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var metadata = endpoint.Metadata;
            if (metadata.OfType<IAcceptsMetadata>().Any())
            {
                Declare(metadata, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
                Declare(metadata, StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails));
                Declare(metadata, StatusCodes.Status415UnsupportedMediaType, typeof(ProblemDetails));
            }

            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
            {
                Declare(metadata, StatusCodes.Status401Unauthorized, typeof(ProblemDetails));
            }

            Declare(metadata, StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails));
        });
        return builder;
    }

    private static void Declare(IList<object> metadata, int status, Type problem)
    {
        if (!metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == status))
        {
            metadata.Add(new ProducesResponseTypeMetadata(status, problem, [ProblemJson]));
        }
    }
}
