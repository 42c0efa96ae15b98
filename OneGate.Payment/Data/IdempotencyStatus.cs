namespace OneGate.Payment.Data;

/// <summary>
/// State of an idempotency record, stored as <c>varchar</c> (<c>IN_PROGRESS</c>/<c>COMPLETED</c>)
/// rather than a PostgreSQL enum: it is internal to the service and not part of the ERD.
/// </summary>
public enum IdempotencyStatus
{
    InProgress,
    Completed,
}
