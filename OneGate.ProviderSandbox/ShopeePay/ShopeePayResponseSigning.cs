namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary>
/// Buffers every <c>/shopeepay</c> response (success, error, injected fault) and adds <c>X-Timestamp</c> and
/// <c>X-Signature</c> over its exact bytes, so handlers stay plain TypedResults.
/// </summary>
public sealed class ShopeePayResponseSigning(RequestDelegate next, ShopeePaySigner signer)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var body = buffer.ToArray();
        var (timestamp, signature) = signer.Sign(body);
        context.Response.Headers[ShopeePayHeaders.Timestamp] = timestamp;
        context.Response.Headers[ShopeePayHeaders.Signature] = signature;
        context.Response.ContentLength = body.Length;
        await original.WriteAsync(body, context.RequestAborted);
    }
}

public static class ShopeePayResponseSigningExtensions
{
    public static WebApplication UseShopeePayResponseSigning(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/shopeepay"),
            branch => branch.UseMiddleware<ShopeePayResponseSigning>());
        return app;
    }
}
