using System.Collections.Frozen;
using OneGate.Snap;

namespace OneGate.Payment.Providers.Snap;

/// <summary>
/// Every SNAP <c>responseCode</c> we act on, in one table (copied in docs/providers.md). A code is read as
/// HTTP status + service + case; the service must be the one we called and the status the HTTP status we got,
/// else the answer is <see cref="SnapResponseClass.Unknown"/>, as is every code not in the table.
/// What each class does per service is in <see cref="SnapProvider"/>:
/// 54 Success → Succeeded, InProgress → Pending, Declined/InvalidRequest → Declined;
/// 55 Success → by latestTransactionStatus, NotFound → null;
/// 58 Success → refunded, Declined/InvalidRequest/NotFound → refused for good;
/// InvalidToken → one new token and the same request again; everything else → <see cref="ProviderUnavailableException"/>.
/// </summary>
public static class SnapResponseMapping
{
    public static readonly IReadOnlyList<SnapResponseRule> Table =
    [
        new(200, "00", SnapResponseClass.Success, "Successful"),
        new(202, "00", SnapResponseClass.InProgress, "Request in progress"),
        new(400, "01", SnapResponseClass.InvalidRequest, "Invalid field format"),
        new(400, "02", SnapResponseClass.InvalidRequest, "Invalid mandatory field"),
        new(401, "00", SnapResponseClass.Unauthorized, "Unauthorized (signature, timestamp or partner)"),
        new(401, "01", SnapResponseClass.InvalidToken, "Invalid token (B2B)"),
        new(403, "02", SnapResponseClass.Declined, "Exceeds transaction amount limit"),
        new(403, "03", SnapResponseClass.Declined, "Suspected fraud"),
        new(403, "05", SnapResponseClass.Declined, "Do not honor"),
        new(403, "14", SnapResponseClass.Declined, "Insufficient funds"),
        new(403, "15", SnapResponseClass.Declined, "Transaction not permitted"),
        new(403, "18", SnapResponseClass.Declined, "Inactive card/account/customer"),
        new(404, "01", SnapResponseClass.NotFound, "Transaction not found"),
        new(409, "00", SnapResponseClass.DuplicateExternalId, "X-EXTERNAL-ID already used today with another body"),
        new(409, "01", SnapResponseClass.DuplicatePartnerReference, "Duplicate partnerReferenceNo"),
        new(500, "00", SnapResponseClass.Unknown, "General error"),
        new(500, "01", SnapResponseClass.Unknown, "Internal server error"),
        new(504, "00", SnapResponseClass.Unknown, "Timeout"),
    ];

    private static readonly FrozenDictionary<(int, string), SnapResponseRule> ByCode =
        Table.ToFrozenDictionary(r => (r.HttpStatus, r.Case));

    /// <summary>The class of <paramref name="responseCode"/> received with <paramref name="httpStatus"/> from <paramref name="service"/>.</summary>
    public static SnapResponseClass Classify(string? responseCode, string service, int httpStatus) =>
        SnapResponseCode.TryParse(responseCode, out var code) && code.Service == service && code.HttpStatus == httpStatus
            && ByCode.TryGetValue((code.HttpStatus, code.Case), out var rule)
            ? rule.Class
            : SnapResponseClass.Unknown;

    /// <summary>A decline's reason as stored with the top-up: the code and the provider's words, bounded.</summary>
    internal static string FailureReason(string code, string? message) =>
        message is { Length: > 0 } ? $"{code} {message[..Math.Min(message.Length, 100)]}" : code;

    /// <summary>latestTransactionStatus (55, 56) → outcome; null for <c>07</c> (not found) and anything unknown.</summary>
    public static ProviderOutcome? Outcome(string? latestTransactionStatus) => latestTransactionStatus switch
    {
        SnapTransactionStatus.Success => ProviderOutcome.Succeeded,
        SnapTransactionStatus.Initiated or SnapTransactionStatus.Paying or SnapTransactionStatus.Pending => ProviderOutcome.Pending,
        SnapTransactionStatus.Refunded => ProviderOutcome.Refunded,
        SnapTransactionStatus.Canceled or SnapTransactionStatus.Failed => ProviderOutcome.Declined,
        _ => null,
    };
}
