namespace OneGate.Backoffice.Api;

/// <summary>Payment's answer to a status action: the account as it is after it.</summary>
public sealed record AccountStatusChange(Guid AccountId, int UserId, string Status, decimal Balance, decimal PendingTopUps);
