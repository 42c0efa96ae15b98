using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>What the posting engine did with a request and its Idempotency-Key.</summary>
public abstract record PostingAnswer
{
    private PostingAnswer()
    {
    }

    /// <summary>Posted or refused, and the answer stored under the key committed with it.</summary>
    public sealed record Answered(PostingOutcome Outcome, IdempotencyKey Stored) : PostingAnswer;

    /// <summary>The key was stored by another request first (or twice in one batch): nothing of this request was written; the stored key decides.</summary>
    public sealed record KeyTaken : PostingAnswer;
}
