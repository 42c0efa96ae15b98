using CsCheck;
using OneGate.Payment.Data;
using OneGate.Payment.Ledger;

namespace OneGate.UnitTests.Payment;

/// <summary>
/// A batch posted against locked balances (what the posting engine does inside one transaction) answers every request
/// and leaves every balance exactly as posting the same requests one at a time would: checked against a plain
/// sequential model of the rules (status, no negative balance, the cap with pending top-ups, refund eligibility).
/// </summary>
public sealed class LockedBalancesProperties
{
    private const decimal Cap = 1_500m;

    private sealed record AccountSeed(AccountStatus Status, decimal Balance, decimal Pending);

    private sealed record PaymentSeed(string Id, int Owner, TransactionType Type, TransactionStatus Status, decimal Amount, decimal Refunded);

    private sealed record Case(AccountSeed[] Accounts, PaymentSeed[] Payments, PostingRequest[] Requests);

    private static readonly Gen<decimal> Amount = Gen.Int[1, 700].Select(i => (decimal)i);

    private static readonly Gen<AccountSeed> AccountGen = Gen.Select(
        Gen.Frequency((8, Gen.Const(AccountStatus.Active)), (1, Gen.Const(AccountStatus.Suspended)), (1, Gen.Const(AccountStatus.Closed))),
        Gen.Int[0, 1_200], Gen.Int[0, 300], (s, b, p) => new AccountSeed(s, b, p));

    private static readonly Gen<PaymentSeed> PaymentGen = Gen.Select(Gen.Int[1, 4], Gen.Frequency((4, Gen.Const(TransactionType.Payment)),
            (1, Gen.Const(TransactionType.Transfer))), Gen.Frequency((4, Gen.Const(TransactionStatus.Success)), (1, Gen.Const(TransactionStatus.Failed))),
        Amount, Gen.Int[0, 100],
        (owner, type, status, amount, refundedPercent) => new PaymentSeed("", owner, type, status, amount, decimal.Floor(amount * refundedPercent / 100m)));

    private static readonly Gen<PostingRequest> RequestGen = Gen.OneOf<PostingRequest>(
        Gen.Select(Gen.Int[1, 4], Amount, (u, a) => new PostingRequest.Pay(u, a, "Shop", null, null)),
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 4], Amount, (u, r, a) => new PostingRequest.Transfer(u, r == 0 ? null : r, a, null)),
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 3], Amount.Nullable(), (u, p, a) => new PostingRequest.Refund(u, $"P{p}", a, null)));

    private static readonly Gen<Case> CaseGen = Gen.Select(AccountGen.Array[4], PaymentGen.Array[3], RequestGen.Array[1, 40],
        (accounts, payments, requests) => new Case(accounts, [.. payments.Select((p, i) => p with { Id = $"P{i + 1}" })], requests));

    [Fact]
    public void A_batch_answers_and_moves_exactly_as_posting_its_requests_one_at_a_time() =>
        CaseGen.Sample(c =>
        {
            var locked = new LockedBalances(Cap);
            for (var user = 1; user <= 4; user++)
            {
                var seed = c.Accounts[user - 1];
                locked.Accounts[user] = new LockedBalances.AccountState
                {
                    Id = Guid.NewGuid(), UserId = user, Status = seed.Status, Balance = seed.Balance, PendingTopUps = seed.Pending, LedgerSequence = 10,
                };
            }

            foreach (var p in c.Payments)
            {
                locked.Payments[p.Id] = new LockedBalances.PaymentState
                {
                    Payment = new HistoricalTransaction { TransactionId = p.Id, UserId = p.Owner, Type = p.Type, Status = p.Status, Amount = p.Amount },
                    Refunded = p.Refunded,
                };
            }

            var model = new SequentialModel(c);
            var rows = new List<HistoricalTransaction>();
            foreach (var request in c.Requests)
            {
                var before = rows.Count;
                var outcome = locked.Post(request, DateTimeOffset.UnixEpoch, rows);
                var (expected, balanceAfter) = model.Post(request);
                switch (outcome)
                {
                    case PostingOutcome.Refused refused:
                        Assert.Equal(expected, refused with { Refundable = expected?.Refundable });
                        Assert.Equal(expected?.Refundable, refused.Refundable);
                        Assert.Equal(before, rows.Count);
                        break;
                    case PostingOutcome.Posted posted:
                        Assert.Null(expected);
                        Assert.Equal(balanceAfter, posted.Row.BalanceAfter);
                        Assert.Equal(request is PostingRequest.Transfer ? 2 : 1, rows.Count - before);
                        break;
                }
            }

            for (var user = 1; user <= 4; user++)
            {
                Assert.Equal(model.Balances[user], locked.Accounts[user].Balance);
                Assert.Equal(10 + model.Movements[user], locked.Accounts[user].LedgerSequence);
            }
        });

    /// <summary>The rules written out plainly, one request after the other.</summary>
    private sealed class SequentialModel
    {
        private readonly Case seed;
        private readonly Dictionary<string, decimal> refunded;

        public SequentialModel(Case seed)
        {
            this.seed = seed;
            refunded = seed.Payments.ToDictionary(p => p.Id, p => p.Refunded);
            for (var user = 1; user <= 4; user++)
            {
                Balances[user] = seed.Accounts[user - 1].Balance;
                Movements[user] = 0;
            }
        }

        public Dictionary<int, decimal> Balances { get; } = [];

        public Dictionary<int, int> Movements { get; } = [];

        public (PostingOutcome.Refused? Refused, decimal BalanceAfter) Post(PostingRequest request)
        {
            switch (request)
            {
                case PostingRequest.Pay pay:
                    return Debit(pay.UserId, pay.Amount) ?? Move(pay.UserId, -pay.Amount);
                case PostingRequest.Transfer { RecipientUserId: null }:
                    return (new PostingOutcome.Refused(Refusal.RecipientNotFound), 0);
                case PostingRequest.Transfer t when t.RecipientUserId == t.UserId:
                    return (new PostingOutcome.Refused(Refusal.SelfTransfer), 0);
                case PostingRequest.Transfer t:
                    if (Debit(t.UserId, t.Amount) is { } senderRefused)
                    {
                        return senderRefused;
                    }

                    if (Credit(t.RecipientUserId!.Value, t.Amount) is { Refused: { } recipientRefused })
                    {
                        return (recipientRefused with { Counterparty = true }, 0m);
                    }

                    Move(t.RecipientUserId.Value, t.Amount);
                    return Move(t.UserId, -t.Amount);
                case PostingRequest.Refund r:
                    var payment = seed.Payments.FirstOrDefault(p => p.Id == r.PaymentTransactionId && p.Owner == r.UserId);
                    if (payment is null)
                    {
                        return (new PostingOutcome.Refused(Refusal.TransactionNotFound), 0);
                    }

                    var left = payment.Amount - refunded[payment.Id];
                    if (payment.Type != TransactionType.Payment || payment.Status != TransactionStatus.Success || left <= 0)
                    {
                        return (new PostingOutcome.Refused(Refusal.NotRefundable), 0);
                    }

                    var amount = r.Amount ?? left;
                    if (amount > left)
                    {
                        return (new PostingOutcome.Refused(Refusal.RefundExceedsPayment, Refundable: left), 0);
                    }

                    if (Credit(r.UserId, amount) is { } refused)
                    {
                        return refused;
                    }

                    refunded[payment.Id] += amount;
                    return Move(r.UserId, amount);
                default:
                    throw new ArgumentOutOfRangeException(nameof(request));
            }
        }

        private (PostingOutcome.Refused? Refused, decimal)? Debit(int user, decimal amount) =>
            seed.Accounts[user - 1].Status != AccountStatus.Active ? (new PostingOutcome.Refused(Refusal.AccountNotActive), 0)
            : Balances[user] < amount ? (new PostingOutcome.Refused(Refusal.InsufficientFunds), 0)
            : null;

        private (PostingOutcome.Refused? Refused, decimal)? Credit(int user, decimal amount) =>
            seed.Accounts[user - 1].Status != AccountStatus.Active ? (new PostingOutcome.Refused(Refusal.AccountNotActive), 0)
            : Balances[user] + seed.Accounts[user - 1].Pending + amount > Cap ? (new PostingOutcome.Refused(Refusal.BalanceLimitExceeded), 0)
            : null;

        private (PostingOutcome.Refused?, decimal) Move(int user, decimal delta)
        {
            Balances[user] += delta;
            Movements[user]++;
            return (null, Balances[user]);
        }
    }
}
