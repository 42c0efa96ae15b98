using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OneGate.Payment.Data;
using OneGate.Payment.Providers.Snap;
using OneGate.Snap;

namespace OneGate.Payment.TopUps;

/// <summary>
/// E-wallet notifications: SNAP debit notify (service 56), answered in SNAP. No bearer token: the provider's RSA
/// signature over the raw body and X-TIMESTAMP is the authentication, and a bad one is <c>401 4015600</c> with nothing
/// changed. Bad input gets a 4xx SNAP answer, never a 5xx; only our own failure is <c>500 5005601</c> (the provider
/// may retry). Repeats are harmless.
/// </summary>
public static class ProviderCallbackEndpoints
{
    /// <summary>A notification is a few hundred bytes; anything past this is refused unread.</summary>
    public const int MaxNotificationBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapProviderCallbacks(this IEndpointRouteBuilder app)
    {
        var callbacks = app.MapGroup("/api/payments/callbacks").WithTags("Provider callbacks").AllowAnonymous();
        Describe(callbacks.MapPost("/gopay", (HttpContext http, SnapNotificationVerifier verifier, TopUpSettlement settlement, ILogger<SnapNotificationVerifier> logger,
            CancellationToken ct) => HandleAsync(PaymentMethod.Gopay, http, verifier, settlement, logger, ct)), "GoPayCallback", "GoPay");
        Describe(callbacks.MapPost("/shopeepay", (HttpContext http, SnapNotificationVerifier verifier, TopUpSettlement settlement, ILogger<SnapNotificationVerifier> logger,
            CancellationToken ct) => HandleAsync(PaymentMethod.ShopeePay, http, verifier, settlement, logger, ct)), "ShopeePayCallback", "ShopeePay");
        return app;
    }

    private static void Describe(RouteHandlerBuilder route, string name, string provider) =>
        route.WithName(name)
            .WithSummary($"{provider} SNAP debit notification (service 56)")
            .WithDescription("Body: SNAP DebitNotification {originalPartnerReferenceNo, originalReferenceNo, merchantId, amount {value, currency}, " +
                             "latestTransactionStatus, transactionStatusDesc}. Headers X-TIMESTAMP and X-SIGNATURE = Base64(SHA256withRSA(provider key, " +
                             "POST:path:sha256hex(minify(body)):X-TIMESTAMP)). Answers {responseCode, responseMessage}: 2005600 accepted; " +
                             "4015600 bad or missing signature, or timestamp outside the allowed skew; 4005601 invalid field format; " +
                             "4005602 missing mandatory field; 4045601 no such top-up for this provider; 5005601 our failure (retry).")
            .Produces<SnapAnswer>(StatusCodes.Status200OK)
            .Produces<SnapAnswer>(StatusCodes.Status400BadRequest)
            .Produces<SnapAnswer>(StatusCodes.Status401Unauthorized)
            .Produces<SnapAnswer>(StatusCodes.Status404NotFound)
            .Produces<SnapAnswer>(StatusCodes.Status500InternalServerError)
            .AddOpenApiOperationTransformer(DeclareNotificationBody);

    /// <summary>
    /// The handler reads the raw body (its signature covers the exact bytes), so nothing declares it; said here in the
    /// document only, because Accepts metadata would make routing answer a wrong content type with 415 instead of SNAP.
    /// </summary>
    private static Task DeclareNotificationBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "SNAP DebitNotification (fields in the operation's description).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "originalPartnerReferenceNo", "amount", "latestTransactionStatus" },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    private static async Task<JsonHttpResult<SnapAnswer>> HandleAsync(PaymentMethod method, HttpContext http, SnapNotificationVerifier verifier,
        TopUpSettlement settlement, ILogger logger, CancellationToken ct)
    {
        var body = await ReadBoundedAsync(http.Request, ct);
        var check = body is null
            ? SnapNotificationCheck.Refused(StatusCodes.Status400BadRequest, "01", "Invalid Field Format")
            : verifier.Verify(method, http.Request.Method, (http.Request.PathBase + http.Request.Path).Value ?? "", body,
                http.Request.Headers[SnapHeaders.Timestamp], http.Request.Headers[SnapHeaders.Signature]);
        if (check.Result is null)
        {
            return Answer(check.HttpStatus, check.Refusal!);
        }

        try
        {
            // Settlement applies it only to a top-up made through this provider.
            return await settlement.ApplyAsync(check.Result, method, ct) is null
                ? Answer(StatusCodes.Status404NotFound, "01", "Transaction Not Found")
                : Answer(StatusCodes.Status200OK, "00", "Successful");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not apply a verified {Provider} notification for {TransactionId}", method, check.Result.TransactionId);
            return Answer(StatusCodes.Status500InternalServerError, "01", "Internal Server Error");
        }
    }

    private static JsonHttpResult<SnapAnswer> Answer(int status, string caseCode, string message) =>
        Answer(status, new SnapAnswer(SnapResponseCode.Of(status, SnapServices.DebitNotify, caseCode).ToString(), message));

    private static JsonHttpResult<SnapAnswer> Answer(int status, SnapAnswer answer) => TypedResults.Json(answer, SnapJson.Options, statusCode: status);

    /// <summary>The raw body, or null when it is longer than <see cref="MaxNotificationBytes"/>.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxNotificationBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxNotificationBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
