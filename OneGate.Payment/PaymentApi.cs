using OneGate.Payment.Accounts;

namespace OneGate.Payment;

public static class PaymentApi
{
    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/payments")
            .WithTags("Payments")
            .RequireAuthorization()
            .MapBalance();
        return app;
    }
}
