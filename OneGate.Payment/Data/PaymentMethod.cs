using NpgsqlTypes;

namespace OneGate.Payment.Data;

/// <summary>Top-up provider. PostgreSQL enum <c>payment_method</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum PaymentMethod
{
    [PgName("GOPAY")]
    Gopay,

    [PgName("SHOPEE_PAY")]
    ShopeePay,
}
