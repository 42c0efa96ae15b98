namespace OneGate.Payment.Ledger;

/// <summary>What an operator does to an account's status (docs/backoffice.md, "Account status").</summary>
public enum AccountStatusAction
{
    Suspend,
    Reactivate,
    Close,
}
