namespace OneGate.Payment.Ledger;

/// <summary>
/// What settles a top-up: the provider's word on it (from the charge answer, a notification or a status inquiry, in any
/// order and any number of times), or our giving up on waiting for one. Applied by <see cref="SettlementBatch"/>.
/// </summary>
public abstract record TopUpWord
{
    private TopUpWord(string transactionId) => TransactionId = transactionId;

    public string TransactionId { get; }

    /// <summary>The provider took <paramref name="Amount"/> for the top-up.</summary>
    public sealed record Taken(string TransactionId, string? ProviderReference, decimal Amount) : TopUpWord(TransactionId);

    /// <summary>The provider did not take the money (declined, failed, reversed).</summary>
    public sealed record NotTaken(string TransactionId, string? ProviderReference, string Reason) : TopUpWord(TransactionId);

    /// <summary>We stop waiting for a final answer: FAILED now, still asked about later.</summary>
    public sealed record GiveUp(string TransactionId) : TopUpWord(TransactionId);
}
