using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using OneGate.Payment.Ledger;
using OneGate.Payment.Money;

namespace OneGate.Payment.Transfers;

/// <param name="ToUsername">The recipient's username; or give <paramref name="ToPhone"/>, not both.</param>
// Amount first: the optional fields (defaults) come last, and a field with a default is optional in the OpenAPI document.
public sealed record TransferRequest(decimal? Amount, string? ToUsername = null, string? ToPhone = null, string? Description = null);

public static partial class TransferEndpoint
{
    public static RouteGroupBuilder MapTransfer(this RouteGroupBuilder group)
    {
        group.MapPost("/transfer", Transfer)
            .WithName("Transfer")
            .WithSummary("Send money to another user by username or phone")
            .WithDescription(MoneyRequests.IdempotencyRules + "Answers 201 with the sender's TRANSFER DEBIT transaction; the recipient " +
                             "gets a TRANSFER CREDIT transaction linked by the same transfer reference. Both balances change in one " +
                             "database transaction.")
            .Produces<Transactions.TransactionResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status423Locked);
        return group;
    }

    private static async Task<IResult> Transfer(TransferRequest request, HttpContext http, MoneyRequests money,
        UserDirectory directory, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.ToUsername) == string.IsNullOrWhiteSpace(request.ToPhone))
        {
            errors["toUsername"] = ["Give exactly one of toUsername or toPhone."];
        }

        MoneyRules.Text(request.ToUsername, 50, errors, "toUsername");
        MoneyRules.Text(request.ToPhone, 20, errors, "toPhone");
        // A recipient that cannot be a user is bad input (400, nothing stored), not an unknown one (a stored 404).
        if (!errors.ContainsKey("toUsername") && !string.IsNullOrWhiteSpace(request.ToUsername) && !Username().IsMatch(request.ToUsername.Trim()))
        {
            errors["toUsername"] = ["A username: 3 to 50 letters, digits, '_' or '.'."];
        }

        if (!errors.ContainsKey("toPhone") && !string.IsNullOrWhiteSpace(request.ToPhone) && !Phone().IsMatch(request.ToPhone.Trim()))
        {
            errors["toPhone"] = ["An Indonesian mobile number, e.g. 081234567890 or +6281234567890."];
        }

        MoneyRules.Amount(request.Amount, errors);
        MoneyRules.Text(request.Description, 255, errors, "description");
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return await money.ExecuteAsync(http, request, async (senderId, token) =>
        {
            var recipient = await directory.FindAsync(request.ToUsername?.Trim(), request.ToPhone?.Trim(), http.Request.Headers.Authorization.ToString(), token);
            return new PostingRequest.Transfer(senderId, recipient?.Id, request.Amount!.Value, request.Description);
        }, ct);
    }

    // Auth's rules, loosely: usernames are [a-z0-9_.] taken case-insensitively; phones are digits with an optional
    // leading + and the separators people type. Auth decides whether such a user exists.
    [GeneratedRegex("^[A-Za-z0-9_.]{3,50}$")]
    private static partial Regex Username();

    [GeneratedRegex(@"^\+?[0-9][0-9 .\-]{6,19}$")]
    private static partial Regex Phone();
}
