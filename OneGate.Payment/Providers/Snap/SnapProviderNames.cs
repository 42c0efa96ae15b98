using OneGate.Payment.Data;

namespace OneGate.Payment.Providers.Snap;

/// <summary>Each SNAP provider's options name (the section under <c>Providers</c>), HTTP client name and notify path.</summary>
public static class SnapProviderNames
{
    public const string GoPay = "GoPay";
    public const string ShopeePay = "ShopeePay";

    public const string GoPayCallbackPath = "/api/payments/callbacks/gopay";
    public const string ShopeePayCallbackPath = "/api/payments/callbacks/shopeepay";

    public static IReadOnlyList<PaymentMethod> Methods { get; } = [PaymentMethod.Gopay, PaymentMethod.ShopeePay];

    public static string Of(PaymentMethod method) => method switch
    {
        PaymentMethod.Gopay => GoPay,
        PaymentMethod.ShopeePay => ShopeePay,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not a SNAP e-wallet."),
    };

    public static string CallbackPath(PaymentMethod method) => method switch
    {
        PaymentMethod.Gopay => GoPayCallbackPath,
        PaymentMethod.ShopeePay => ShopeePayCallbackPath,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not a SNAP e-wallet."),
    };
}
