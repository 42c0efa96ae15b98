using System.Security.Cryptography;

namespace OneGate.Payment.Ledger;

/// <summary>Public ids: unguessable, sortable by day, at most 50 characters.</summary>
public static class TransactionIds
{
    public static string NewTransactionId(DateTimeOffset now) => $"TRX-{now:yyyyMMdd}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(10))}";

    public static string NewTransferReference(DateTimeOffset now) => $"TRF-{now:yyyyMMdd}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(10))}";
}
