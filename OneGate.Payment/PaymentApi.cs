using OneGate.Payment.Accounts;
using OneGate.Payment.Payments;
using OneGate.Payment.Refunds;
using OneGate.Payment.TopUps;
using OneGate.Payment.Transactions;
using OneGate.Payment.Transfers;

namespace OneGate.Payment;

public static class PaymentApi
{
    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/payments")
            .WithTags("Payments")
            .RequireAuthorization()
            .MapBalance()
            .MapPay()
            .MapTransfer()
            .MapTopUp()
            .MapRefund()
            .MapTransactionById();
        return app;
    }
}
