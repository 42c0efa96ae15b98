namespace OneGate.Auth.Tokens;

public static class JwksEndpoint
{
    public static IEndpointRouteBuilder MapJwks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", (SigningKeys keys, HttpContext context) =>
            {
                // Validators cache keys; five minutes keeps a rotation visible quickly.
                context.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Json(keys.Jwks(), contentType: "application/jwk-set+json");
            })
            .WithName("GetJwks")
            .WithSummary("Public signing keys (JWKS) for validating access tokens")
            .Produces(StatusCodes.Status200OK, typeof(object), "application/jwk-set+json")
            .WithTags("Auth");
        return app;
    }
}
