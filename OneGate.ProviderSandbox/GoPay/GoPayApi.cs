using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary>
/// The GoPay-like protocol (modelled on Midtrans): OAuth 2.0 client credentials, Bearer-authenticated
/// charges that are idempotent by <c>order_id</c>, and callbacks signed with the server key.
/// </summary>
public static partial class GoPayApi
{
    private const int MaxOrderIdLength = 50;

    public static IEndpointRouteBuilder MapGoPayApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/gopay/v1").WithTags("GoPay sandbox");

        api.MapPost("/oauth/token", IssueToken)
            .WithName("GoPayIssueToken")
            .WithSummary("OAuth 2.0 client credentials (HTTP Basic client_id:client_secret)")
            .DisableAntiforgery();

        var charges = api.MapGroup("/charges").AddEndpointFilter<GoPayBearerFilter>();
        charges.MapPost("", CreateCharge)
            .WithName("GoPayCreateCharge")
            .WithSummary("Charge the customer's GoPay wallet (idempotent by order_id)");
        charges.MapGet("/{orderId}", GetCharge)
            .WithName("GoPayGetCharge")
            .WithSummary("Status of a charge by order_id");

        return app;
    }

    private static async Task<Results<Ok<GoPayTokenResponse>, BadRequest<GoPayError>, JsonHttpResult<GoPayError>>> IssueToken(
        HttpContext context, GoPayTokenStore tokens, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!TryReadBasic(request.Headers.Authorization.ToString(), out var clientId, out var clientSecret)
            || !tokens.CredentialsMatch(clientId, clientSecret))
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = "Basic realm=\"gopay-sandbox\"";
            return TypedResults.Json(new GoPayError("invalid_client", "Unknown client or wrong secret."), statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!request.HasFormContentType)
        {
            return TypedResults.BadRequest(new GoPayError("invalid_request", "Send application/x-www-form-urlencoded with grant_type."));
        }

        var form = await request.ReadFormAsync(cancellationToken);
        if (form["grant_type"] != "client_credentials")
        {
            return TypedResults.BadRequest(new GoPayError("unsupported_grant_type", "Only client_credentials is supported."));
        }

        var (accessToken, expiresIn) = tokens.Issue();
        return TypedResults.Ok(new GoPayTokenResponse(accessToken, "Bearer", expiresIn));
    }

    private static async Task<Results<Created<GoPayCharge>, Ok<GoPayCharge>, BadRequest<GoPayError>, Conflict<GoPayError>>> CreateCharge(
        GoPayChargeRequest? request, ChargeBook charges, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return TypedResults.BadRequest(new GoPayError("invalid_request", "A JSON body is required."));
        }

        if (string.IsNullOrWhiteSpace(request.OrderId) || request.OrderId.Length > MaxOrderIdLength)
        {
            return TypedResults.BadRequest(new GoPayError("invalid_request", $"order_id is required (at most {MaxOrderIdLength} characters)."));
        }

        if (request.GrossAmount is null || !AmountPattern().IsMatch(request.GrossAmount)
            || !decimal.TryParse(request.GrossAmount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || amount <= 0)
        {
            return TypedResults.BadRequest(new GoPayError("invalid_request", "gross_amount must be a positive decimal string with 2 fraction digits, e.g. \"150000.00\"."));
        }

        if (request.Currency != "IDR")
        {
            return TypedResults.BadRequest(new GoPayError("invalid_request", "currency must be IDR."));
        }

        if (!Uri.TryCreate(request.CallbackUrl, UriKind.Absolute, out var callbackUrl) || (callbackUrl.Scheme != Uri.UriSchemeHttp && callbackUrl.Scheme != Uri.UriSchemeHttps))
        {
            return TypedResults.BadRequest(new GoPayError("invalid_request", "callback_url must be an absolute http(s) URL."));
        }

        var opening = charges.Open(SandboxProvider.GoPay, request.OrderId, amount, request.Currency, callbackUrl, $"gp-{Guid.NewGuid():N}");
        if (opening.Kind == ChargeOpeningKind.Conflict)
        {
            return TypedResults.Conflict(new GoPayError("order_id_conflict",
                "This order_id was already charged with another amount, currency or provider."));
        }

        await charges.WaitUntilAnswerableAsync(opening.Charge, cancellationToken);
        var shown = GoPayCharge.From(opening.Charge);
        return opening.Kind == ChargeOpeningKind.Created
            ? TypedResults.Created($"/gopay/v1/charges/{Uri.EscapeDataString(shown.OrderId)}", shown)
            : TypedResults.Ok(shown);
    }

    private static Results<Ok<GoPayCharge>, NotFound<GoPayError>> GetCharge(string orderId, ChargeBook charges) =>
        charges.Find(SandboxProvider.GoPay, orderId) is { } charge
            ? TypedResults.Ok(GoPayCharge.From(charge))
            : TypedResults.NotFound(new GoPayError("not_found", "No charge with this order_id."));

    private static bool TryReadBasic(string header, out string clientId, out string clientSecret)
    {
        clientId = clientSecret = "";
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[scheme.Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            clientId = decoded[..colon];
            clientSecret = decoded[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\d{1,13}\.\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();
}
