namespace OneGate.Payment.Ledger;

/// <summary>What <see cref="AccountStatusChanges"/> did: changed the status, refused (nothing changed), or found no account.</summary>
public abstract record AccountStatusOutcome
{
    private AccountStatusOutcome()
    {
    }

    public sealed record Changed(AccountSnapshot Before, AccountSnapshot After) : AccountStatusOutcome;

    public sealed record Refused(StatusRefusal Reason, AccountSnapshot Current) : AccountStatusOutcome;

    public sealed record NotFound : AccountStatusOutcome;
}
