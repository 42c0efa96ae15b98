using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary>
/// Authenticates every <c>/shopeepay/v3</c> request before its handler runs: <c>X-Partner-Id</c> is ours,
/// <c>X-Timestamp</c> is within <see cref="ShopeePayOptions.MaxClockSkew"/>, and the Bearer JWT is HS256 with
/// the partner secret and claims <c>iss</c> = partner id, <c>iat</c> = X-Timestamp,
/// <c>body_sha256</c> = base64url(SHA-256(raw body)), <c>method</c> and <c>path</c> of this request.
/// The verified raw body is left for the handler (<see cref="VerifiedBody"/>).
/// </summary>
public sealed class ShopeePayRequestVerifier(IOptions<ShopeePayOptions> options, TimeProvider time, ILogger<ShopeePayRequestVerifier> logger) : IEndpointFilter
{
    private const int MaxBodyBytes = 64 * 1024;
    private static readonly object BodyKey = new();

    public static byte[] VerifiedBody(HttpContext context) =>
        context.Items[BodyKey] as byte[] ?? throw new InvalidOperationException("The ShopeePay request was not verified.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is null)
        {
            return TypedResults.Json(new ShopeePayError("PAYLOAD_TOO_LARGE", $"At most {MaxBodyBytes} bytes."), statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var failure = Check(http.Request, body);
        if (failure is not null)
        {
            logger.LogInformation("Rejected ShopeePay request {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, failure);
            return TypedResults.Json(new ShopeePayError("INVALID_SIGNATURE", failure), statusCode: StatusCodes.Status401Unauthorized);
        }

        http.Items[BodyKey] = body;
        return await next(context);
    }

    private string? Check(HttpRequest request, byte[] body)
    {
        var o = options.Value;
        var partnerId = request.Headers[ShopeePayHeaders.PartnerId].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(partnerId), Encoding.UTF8.GetBytes(o.PartnerId)))
        {
            return "Unknown X-Partner-Id.";
        }

        if (!long.TryParse(request.Headers[ShopeePayHeaders.Timestamp].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return "X-Timestamp must be unix seconds.";
        }

        var skew = Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - timestamp);
        if (skew > o.MaxClockSkew.TotalSeconds)
        {
            return "X-Timestamp is too far from the current time.";
        }

        var authorization = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var token = authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? authorization[scheme.Length..].Trim() : null;
        if (ShopeePayJwt.Verify(token, Encoding.UTF8.GetBytes(o.PartnerSecret)) is not { } claims)
        {
            return "The Authorization JWT is missing, malformed, not HS256 or wrongly signed.";
        }

        if (claims.GetString("iss") != partnerId)
        {
            return "iss must be the partner id.";
        }

        if (claims.GetInt64("iat") != timestamp)
        {
            return "iat must equal X-Timestamp.";
        }

        if (claims.GetString("body_sha256") != ShopeePayJwt.BodyHash(body))
        {
            return "body_sha256 does not match the body.";
        }

        if (claims.GetString("method") != request.Method)
        {
            return "method does not match the request.";
        }

        if (claims.GetString("path") != request.PathBase.Add(request.Path).ToUriComponent())
        {
            return "path does not match the request.";
        }

        return null;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
