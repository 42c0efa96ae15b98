using Microsoft.AspNetCore.Mvc;

namespace OneGate.Payment.Ledger;

/// <summary>Input rules for amounts and texts, and the problems a refused movement answers with.</summary>
public static class MoneyRules
{
    public const decimal MaxAmount = 9_999_999_999_999.99m;

    public static void Amount(decimal? amount, Dictionary<string, string[]> errors, string field = "amount")
    {
        if (amount is null)
        {
            errors[field] = ["Required: a positive IDR amount with at most 2 decimals."];
        }
        else if (amount <= 0 || amount > MaxAmount || amount.Value.Scale > 2)
        {
            // The scale is the number of fraction digits as written (JSON 1000.000 parses with scale 3), so a
            // third digit is refused even when it is zero.
            errors[field] = [$"Must be greater than 0, at most {MaxAmount:0.00}, with at most 2 decimals."];
        }
    }

    /// <summary>A validated amount with exactly two fraction digits (1000 becomes 1000.00), as stored and echoed.</summary>
    public static decimal TwoDecimals(decimal amount) => decimal.Round(amount, 2) + 0.00m;

    public static void Text(string? value, int maxLength, Dictionary<string, string[]> errors, string field, bool required = false)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["Required."];
        }
        else if (value is not null && (value.Length > maxLength || value.Any(char.IsControl)))
        {
            errors[field] = [$"At most {maxLength} characters, no control characters."];
        }
    }

    public static ProblemDetails Problem(HttpContext http, int status, string code, string title, string detail, IDictionary<string, object?>? extra = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://onegate.skynux.fun/problems/{code.ToLowerInvariant().Replace('_', '-')}",
            Extensions = { ["code"] = code, ["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier },
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    public static ProblemDetails Refused(HttpContext http, LedgerFailure failure, bool counterparty = false) => failure switch
    {
        LedgerFailure.AccountNotActive => Problem(http, StatusCodes.Status423Locked, "ACCOUNT_NOT_ACTIVE", "Account not active",
            counterparty ? "The recipient's account cannot receive money." : "Your account is suspended or closed and cannot move money."),
        LedgerFailure.InsufficientFunds => Problem(http, StatusCodes.Status422UnprocessableEntity, "INSUFFICIENT_FUNDS", "Insufficient funds",
            "The balance is lower than the amount."),
        _ => Problem(http, StatusCodes.Status422UnprocessableEntity, "BALANCE_LIMIT_EXCEEDED", "Balance limit exceeded",
            counterparty ? "The recipient's balance would exceed the maximum allowed balance." : "Your balance would exceed the maximum allowed balance."),
    };
}
