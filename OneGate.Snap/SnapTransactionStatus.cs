namespace OneGate.Snap;

/// <summary><c>latestTransactionStatus</c> of a status inquiry (55) or a notification (56).</summary>
public static class SnapTransactionStatus
{
    public const string Success = "00";
    public const string Initiated = "01";
    public const string Paying = "02";
    public const string Pending = "03";
    public const string Refunded = "04";
    public const string Canceled = "05";
    public const string Failed = "06";
    public const string NotFound = "07";

    public static string Describe(string status) => status switch
    {
        Success => "SUCCESS",
        Initiated => "INITIATED",
        Paying => "PAYING",
        Pending => "PENDING",
        Refunded => "REFUNDED",
        Canceled => "CANCELED",
        Failed => "FAILED",
        NotFound => "NOT_FOUND",
        _ => "UNKNOWN",
    };
}
