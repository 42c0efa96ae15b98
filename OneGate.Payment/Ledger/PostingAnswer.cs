using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>What the posting engine did with a request and its Idempotency-Key (or with a top-up settlement).</summary>
public abstract record PostingAnswer
{
    private PostingAnswer()
    {
    }

    /// <summary>Posted or refused, and the answer stored under the key committed with it.</summary>
    public sealed record Answered(PostingOutcome Outcome, IdempotencyKey Stored) : PostingAnswer;

    /// <summary>The key was stored by another request first (or twice in one batch): nothing of this request was written; the stored key decides.</summary>
    public sealed record KeyTaken : PostingAnswer;

    /// <summary>A top-up settlement committed: the top-up row as this word left it, or null when the word changed nothing.</summary>
    public sealed record Settled(HistoricalTransaction? Changed) : PostingAnswer;
}
