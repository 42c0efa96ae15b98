using OneGate.ProviderSandbox.DirectDebit;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>
/// The provider side of SNAP, once per configured provider under its path prefix (<c>/gopay</c>, <c>/shopeepay</c>):
/// service 73 (B2B access token) and the direct-debit services 54 (payment), 55 (status) and 58 (refund).
/// Service 56 (notify) goes the other way: see <c>NotificationDispatcher</c>.
/// </summary>
public static class SnapProviderApi
{
    public static IEndpointRouteBuilder MapSnapProviderApi(this IEndpointRouteBuilder app)
    {
        var providers = app.ServiceProvider.GetRequiredService<SandboxProviders>();
        foreach (var provider in SandboxProviders.All)
        {
            MapProvider(app.MapGroup(providers[provider].PathPrefix).WithTags($"{provider} (SNAP)"), provider);
        }

        return app;
    }

    /// <summary>The service code of a path under a provider's prefix ("00" for none), for answers given before routing.</summary>
    public static string ServiceOf(PathString servicePath) => servicePath.Value switch
    {
        SnapServices.AccessTokenPath => SnapServices.AccessToken,
        SnapServices.DebitPaymentPath => SnapServices.DebitPayment,
        SnapServices.DebitStatusPath => SnapServices.DebitStatus,
        SnapServices.DebitRefundPath => SnapServices.DebitRefund,
        _ => "00",
    };

    private static void MapProvider(RouteGroupBuilder api, SandboxProvider provider)
    {
        api.MapPost(SnapServices.AccessTokenPath, (HttpContext http, AccessTokenService tokens) => tokens.IssueAsync(http, provider))
            .WithName($"{provider}AccessToken")
            .WithSummary("Service 73: B2B access token (SHA256withRSA over clientId|X-TIMESTAMP)");

        api.MapPost(SnapServices.DebitPaymentPath, (HttpContext http, SnapCallHandler calls, DebitPaymentService payments) =>
                calls.HandleAsync<DebitPaymentRequest>(http, provider, SnapServices.DebitPayment,
                    request => payments.Check(provider, request), (request, ct) => payments.PayAsync(provider, request, ct)))
            .WithName($"{provider}DebitPayment")
            .WithSummary("Service 54: charge the user's wallet under partnerReferenceNo");

        api.MapPost(SnapServices.DebitStatusPath, (HttpContext http, SnapCallHandler calls, DebitStatusService statuses) =>
                calls.HandleAsync<DebitStatusRequest>(http, provider, SnapServices.DebitStatus,
                    DebitStatusService.Check, (request, _) => Task.FromResult(statuses.Inquire(provider, request))))
            .WithName($"{provider}DebitStatus")
            .WithSummary("Service 55: where a charge stands (latestTransactionStatus)");

        api.MapPost(SnapServices.DebitRefundPath, (HttpContext http, SnapCallHandler calls, DebitRefundService refunds) =>
                calls.HandleAsync<DebitRefundRequest>(http, provider, SnapServices.DebitRefund,
                    DebitRefundService.Check, (request, _) => Task.FromResult(refunds.Refund(provider, request))))
            .WithName($"{provider}DebitRefund")
            .WithSummary("Service 58: refund (part of) a settled charge, idempotent by partnerRefundNo");
    }
}
