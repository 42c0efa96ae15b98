namespace OneGate.Snap;

/// <summary>The SNAP service codes and relative paths a top-up uses (a provider's path prefix goes before the path).</summary>
public static class SnapServices
{
    public const string AccessToken = "73";
    public const string DebitPayment = "54";
    public const string DebitStatus = "55";
    public const string DebitNotify = "56";
    public const string DebitRefund = "58";

    public const string AccessTokenPath = "/v1.0/access-token/b2b";
    public const string DebitPaymentPath = "/v1.0/debit/payment-host-to-host";
    public const string DebitStatusPath = "/v1.0/debit/status";
    public const string DebitRefundPath = "/v1.0/debit/refund";
}
