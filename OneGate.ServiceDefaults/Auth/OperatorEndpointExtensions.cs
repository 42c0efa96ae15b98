using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace OneGate.ServiceDefaults.Auth;

public static class OperatorEndpointExtensions
{
    /// <summary>
    /// Only operator tokens whose roles satisfy <paramref name="policy"/> (an <see cref="OperatorPolicies"/> name) reach
    /// these endpoints: a user token gets 401, an operator without the role 403 (documented in OpenAPI).
    /// </summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!OperatorPolicies.All.Contains(policy))
        {
            throw new ArgumentException($"'{policy}' is not one of OperatorPolicies", nameof(policy));
        }

        builder.RequireAuthorization(policy);
        builder.Add(endpoint => endpoint.Metadata.Add(
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"])));
        return builder;
    }
}
