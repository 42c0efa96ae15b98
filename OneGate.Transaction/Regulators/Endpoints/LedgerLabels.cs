using System.Collections.Frozen;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>The contract's UPPER_SNAKE labels of ledger enums (query filters and the report table's text columns).</summary>
public static class LedgerLabels
{
    public static readonly FrozenDictionary<string, TransactionType> Types = new Dictionary<string, TransactionType>
    {
        ["TOPUP"] = TransactionType.Topup,
        ["PAYMENT"] = TransactionType.Payment,
        ["REFUND"] = TransactionType.Refund,
        ["TRANSFER"] = TransactionType.Transfer,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly FrozenDictionary<string, TransactionStatus> Statuses = new Dictionary<string, TransactionStatus>
    {
        ["PENDING"] = TransactionStatus.Pending,
        ["SUCCESS"] = TransactionStatus.Success,
        ["FAILED"] = TransactionStatus.Failed,
        ["CANCELLED"] = TransactionStatus.Cancelled,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly FrozenDictionary<string, PaymentMethod> PaymentMethods = new Dictionary<string, PaymentMethod>
    {
        ["GOPAY"] = PaymentMethod.Gopay,
        ["SHOPEE_PAY"] = PaymentMethod.ShopeePay,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
