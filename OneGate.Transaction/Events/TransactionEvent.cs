namespace OneGate.Transaction.Events;

/// <summary>What this service reads of Payment's event (version 1, see docs/events.md).</summary>
public sealed record TransactionEvent(Guid EventId, string EventType, int Version, TransactionEventData Transaction)
{
    /// <summary>Parses a message value; throws <see cref="FormatException"/> for anything that is not a v1 event.</summary>
    public static TransactionEvent Parse(string value)
    {
        var parsed = EventJson.Read<TransactionEvent>(value);
        if (parsed is not { Version: 1, EventId: var id, Transaction: { TransactionId.Length: > 0, Type.Length: > 0, Status.Length: > 0 } } || id == Guid.Empty)
        {
            throw new FormatException("not a version 1 transaction event");
        }

        return parsed;
    }
}

public sealed record TransactionEventData(
    string TransactionId, int UserId, string Type, string Status, string Direction, decimal Amount, string? PaymentMethod,
    bool IsAccessibleExternal, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
