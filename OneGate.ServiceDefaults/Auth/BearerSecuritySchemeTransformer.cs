using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OneGate.ServiceDefaults.Auth;

/// <summary>
/// Declares the bearer scheme (the Auth service's ES256 access token) in a service's OpenAPI document and
/// requires it on exactly the operations that require authorization, so generated clients send the token
/// where it is needed and nowhere else (login, register and refresh stay anonymous).
/// </summary>
public sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeName = "Bearer";

    /// <summary>The back office's operator token (<see cref="OperatorAuthentication"/>), required by <c>/api/admin</c> operations.</summary>
    public const string OperatorSchemeName = "OperatorBearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Access token from POST /api/auth/login or /api/auth/refresh (ES256, 15 minutes). "
                + "It stops working at logout: every service checks its session.",
        };
        document.Components.SecuritySchemes[OperatorSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Operator access token from POST /api/admin/auth/login (ES256, audience onegate-backoffice). The session ends "
                + "after 8 hours, after the idle timeout without a request to any service, at logout, or when the operator is "
                + "deactivated or its roles change. A user's token is refused here, and an operator's token on users' operations.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            var scheme = metadata.OfType<IAuthorizeData>().Any(a => a.Policy is { } policy && OperatorPolicies.All.Contains(policy))
                ? OperatorSchemeName
                : SchemeName;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
        }

        return Task.CompletedTask;
    }
}
