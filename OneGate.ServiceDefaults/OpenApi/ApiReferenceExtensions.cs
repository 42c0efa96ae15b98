using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using OneGate.ServiceDefaults.Auth;
using Scalar.AspNetCore;

namespace OneGate.ServiceDefaults.OpenApi;

public static class ApiReferenceExtensions
{
    /// <summary>Path of the interactive API reference (Development only).</summary>
    public const string ReferencePath = "/scalar";

    /// <summary>
    /// Serves the OpenAPI document at <c>/openapi/v1.json</c> everywhere (the gateway never routes it), and in
    /// Development an interactive reference over it at <see cref="ReferencePath"/>. The reference's assets are
    /// embedded in the package, so it works without internet; its requests go straight to the service (no
    /// third-party proxy sees tokens or API keys). <paramref name="securitySchemes"/> are preselected in its
    /// authentication box (default: the bearer scheme every service documents).
    /// </summary>
    public static WebApplication MapApiDocuments(this WebApplication app, params string[] securitySchemes)
    {
        string[] schemes = securitySchemes.Length > 0 ? securitySchemes : [BearerSecuritySchemeTransformer.SchemeName];
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle($"{app.Environment.ApplicationName} API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes(schemes));
        }

        return app;
    }
}
