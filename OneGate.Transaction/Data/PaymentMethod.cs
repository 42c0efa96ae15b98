using NpgsqlTypes;

namespace OneGate.Transaction.Data;

/// <summary>Top-up provider (read from Payment's table; Payment owns the type). PostgreSQL enum <c>payment_method</c>; labels are the API's UPPER_SNAKE values.</summary>
public enum PaymentMethod
{
    [PgName("GOPAY")]
    Gopay,

    [PgName("SHOPEE_PAY")]
    ShopeePay,
}
