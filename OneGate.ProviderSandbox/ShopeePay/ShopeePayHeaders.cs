namespace OneGate.ProviderSandbox.ShopeePay;

public static class ShopeePayHeaders
{
    public const string PartnerId = "X-Partner-Id";
    public const string Timestamp = "X-Timestamp";
    public const string Signature = "X-Signature";
}
