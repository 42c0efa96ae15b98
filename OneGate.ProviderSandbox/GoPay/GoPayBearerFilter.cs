using Microsoft.Net.Http.Headers;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary>Lets a request through only with a live access token from <c>/gopay/v1/oauth/token</c>.</summary>
public sealed class GoPayBearerFilter(GoPayTokenStore tokens) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && tokens.IsValid(header[scheme.Length..].Trim()))
        {
            return await next(context);
        }

        context.HttpContext.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer error=\"invalid_token\"";
        return TypedResults.Json(new GoPayError("invalid_token", "The access token is missing, unknown or expired."),
            statusCode: StatusCodes.Status401Unauthorized);
    }
}
