using Microsoft.AspNetCore.Mvc;
using OneGate.Payment.Ledger;

namespace OneGate.Payment.Money;

/// <summary>The RFC 9457 problems the money endpoints answer a ledger refusal with (and the other problems they store as answers).</summary>
public static class MoneyProblems
{
    /// <summary>
    /// A problem with its <c>code</c> and trace id. The trace id is passed in, not read here, because a posting engine
    /// may build the answer on another thread than the request's.
    /// </summary>
    public static ProblemDetails Problem(string traceId, int status, string code, string title, string detail, IDictionary<string, object?>? extra = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://onegate.skynux.fun/problems/{code.ToLowerInvariant().Replace('_', '-')}",
            Extensions = { ["code"] = code, ["traceId"] = traceId },
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    /// <summary>The request's trace id, as the problems show it.</summary>
    public static string TraceId(HttpContext http) => System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;

    public static ProblemDetails Problem(HttpContext http, int status, string code, string title, string detail, IDictionary<string, object?>? extra = null) =>
        Problem(TraceId(http), status, code, title, detail, extra);

    public static ProblemDetails Refused(HttpContext http, PostingOutcome.Refused refused) => Refused(TraceId(http), refused);

    public static ProblemDetails Refused(string traceId, PostingOutcome.Refused refused) => refused.Reason switch
    {
        Refusal.AccountNotActive => Problem(traceId, StatusCodes.Status423Locked, "ACCOUNT_NOT_ACTIVE", "Account not active",
            refused.Counterparty ? "The recipient's account cannot receive money." : "Your account is suspended or closed and cannot move money."),
        Refusal.InsufficientFunds => Problem(traceId, StatusCodes.Status422UnprocessableEntity, "INSUFFICIENT_FUNDS", "Insufficient funds",
            "The balance is lower than the amount."),
        Refusal.BalanceLimitExceeded => Problem(traceId, StatusCodes.Status422UnprocessableEntity, "BALANCE_LIMIT_EXCEEDED", "Balance limit exceeded",
            refused.Counterparty ? "The recipient's balance would exceed the maximum allowed balance." : "Your balance would exceed the maximum allowed balance."),
        Refusal.RecipientNotFound => Problem(traceId, StatusCodes.Status404NotFound, "RECIPIENT_NOT_FOUND", "Recipient not found",
            "No user with that username or phone number."),
        Refusal.SelfTransfer => Problem(traceId, StatusCodes.Status422UnprocessableEntity, "SELF_TRANSFER", "Self transfer",
            "You cannot transfer money to yourself."),
        Refusal.TransactionNotFound => Problem(traceId, StatusCodes.Status404NotFound, "TRANSACTION_NOT_FOUND", "Transaction not found",
            "No transaction with that id belongs to you."),
        Refusal.NotRefundable => Problem(traceId, StatusCodes.Status422UnprocessableEntity, "NOT_REFUNDABLE", "Not refundable",
            "Only a successful payment with an amount not yet refunded can be refunded."),
        Refusal.RefundExceedsPayment => Problem(traceId, StatusCodes.Status422UnprocessableEntity, "REFUND_EXCEEDS_PAYMENT", "Refund exceeds payment",
            $"At most {refused.Refundable:0.00} of this payment can still be refunded.", new Dictionary<string, object?> { ["refundable"] = refused.Refundable }),
        _ => throw new ArgumentOutOfRangeException(nameof(refused), refused.Reason, "Not a refusal the money endpoints answer."),
    };
}
