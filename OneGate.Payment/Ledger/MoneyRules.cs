namespace OneGate.Payment.Ledger;

/// <summary>Input rules for amounts and texts (the problems a refusal answers with are <c>Money.MoneyProblems</c>).</summary>
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
}
