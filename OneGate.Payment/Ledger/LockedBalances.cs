using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// The accounts (and the payments being refunded) a batch holds locked, as they stand after each request posted so
/// far: the posting engine applies its requests here one after the other, in arrival order, with the same rules as a
/// request posted alone, and then writes what changed. A refused request changes nothing here.
/// </summary>
public sealed class LockedBalances(decimal balanceCap)
{
    public sealed class AccountState
    {
        public required Guid Id { get; init; }
        public required int UserId { get; init; }
        public required AccountStatus Status { get; init; }
        public required decimal Balance { get; set; }
        public required decimal PendingTopUps { get; init; }
        public required long LedgerSequence { get; set; }
        public bool Changed { get; set; }
    }

    public sealed class PaymentState
    {
        public required HistoricalTransaction Payment { get; init; }
        public required decimal Refunded { get; set; }
    }

    public Dictionary<int, AccountState> Accounts { get; } = [];

    /// <summary>The users whose accounts this batch opened (new): closed again if nothing posted to them.</summary>
    public HashSet<int> Opened { get; } = [];

    /// <summary>The payments refund requests name, by transaction id (absent: no such transaction).</summary>
    public Dictionary<string, PaymentState> Payments { get; } = [];

    /// <summary>Posts one request against the balances as they stand; the rows it writes are added to <paramref name="rows"/>.</summary>
    public PostingOutcome Post(PostingRequest request, DateTimeOffset now, List<HistoricalTransaction> rows) => request switch
    {
        PostingRequest.Pay pay => Pay(pay, now, rows),
        PostingRequest.Transfer transfer => Transfer(transfer, now, rows),
        PostingRequest.Refund refund => Refund(refund, now, rows),
        _ => throw new ArgumentOutOfRangeException(nameof(request)),
    };

    private PostingOutcome Pay(PostingRequest.Pay pay, DateTimeOffset now, List<HistoricalTransaction> rows)
    {
        var account = Accounts[pay.UserId];
        if (Refused(account, -pay.Amount) is { } refused)
        {
            return refused;
        }

        var row = LedgerRows.Payment(Entity(account), Move(account, -pay.Amount), pay.Amount, pay.Merchant, pay.Description, pay.ExternalReference, now);
        rows.Add(row);
        return new PostingOutcome.Posted(row);
    }

    private PostingOutcome Transfer(PostingRequest.Transfer transfer, DateTimeOffset now, List<HistoricalTransaction> rows)
    {
        if (transfer.RecipientUserId is not { } recipientId)
        {
            return new PostingOutcome.Refused(Refusal.RecipientNotFound);
        }

        if (recipientId == transfer.UserId)
        {
            return new PostingOutcome.Refused(Refusal.SelfTransfer);
        }

        var (sender, recipient) = (Accounts[transfer.UserId], Accounts[recipientId]);
        if (Refused(sender, -transfer.Amount) is { } senderRefused)
        {
            return senderRefused;
        }

        if (Refused(recipient, transfer.Amount) is { } recipientRefused)
        {
            return recipientRefused with { Counterparty = true };
        }

        var (senderRow, recipientRow) = LedgerRows.Transfer(Entity(sender), Move(sender, -transfer.Amount), Entity(recipient),
            Move(recipient, transfer.Amount), transfer.Amount, transfer.Description, now);
        rows.Add(recipientRow);
        rows.Add(senderRow);
        return new PostingOutcome.Posted(senderRow);
    }

    private PostingOutcome Refund(PostingRequest.Refund refund, DateTimeOffset now, List<HistoricalTransaction> rows)
    {
        var payment = Payments.GetValueOrDefault(refund.PaymentTransactionId) is { Payment.UserId: var owner } found && owner == refund.UserId ? found : null;
        var (amount, notRefundable) = RefundEligibility.Check(payment?.Payment, payment?.Refunded ?? 0, refund.Amount);
        if (notRefundable is not null)
        {
            return notRefundable;
        }

        var account = Accounts[refund.UserId];
        if (Refused(account, amount) is { } refused)
        {
            return refused;
        }

        payment!.Refunded += amount;
        var row = LedgerRows.Refund(Entity(account), Move(account, amount), payment.Payment.TransactionId, payment.Payment.Merchant, amount, refund.Reason, now);
        rows.Add(row);
        return new PostingOutcome.Posted(row);
    }

    private PostingOutcome.Refused? Refused(AccountState account, decimal delta) =>
        BalanceRules.Check(account.Status, account.Balance, account.PendingTopUps, delta, balanceCap) is { } reason ? new PostingOutcome.Refused(reason) : null;

    private static Movement Move(AccountState account, decimal delta)
    {
        account.Balance += delta;
        account.LedgerSequence++;
        account.Changed = true;
        return new Movement(account.Balance, account.LedgerSequence);
    }

    private static Account Entity(AccountState account) => new() { Id = account.Id, UserId = account.UserId, Balance = account.Balance };
}
