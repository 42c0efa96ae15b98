namespace OneGate.Payment.Ledger;

/// <summary>
/// A money request the ledger posts for its caller (the user whose Idempotency-Key it carries), or a top-up's settlement
/// (<see cref="Settle"/>), which the <see cref="PostingEngine"/> queues with them.
/// </summary>
public abstract record PostingRequest
{
    private PostingRequest(int userId) => UserId = userId;

    public int UserId { get; }

    public sealed record Pay(int UserId, decimal Amount, string Merchant, string? Description, string? ExternalReference) : PostingRequest(UserId);

    /// <param name="RecipientUserId">Null when no user has the username or phone given.</param>
    public sealed record Transfer(int UserId, int? RecipientUserId, decimal Amount, string? Description) : PostingRequest(UserId);

    /// <param name="Amount">Null: all that is still refundable.</param>
    public sealed record Refund(int UserId, string PaymentTransactionId, decimal? Amount, string? Reason) : PostingRequest(UserId);

    /// <summary>
    /// A word on a top-up of <paramref name="UserId"/> (the top-up's owner, read before without a lock: it never changes).
    /// It carries no Idempotency-Key: the top-up's state makes every repeat harmless.
    /// </summary>
    public sealed record Settle(int UserId, TopUpWord Word) : PostingRequest(UserId);

    /// <summary>The users whose accounts posting this request may change.</summary>
    public IEnumerable<int> Accounts() => this is Transfer { RecipientUserId: { } recipient } ? [UserId, recipient] : [UserId];
}
