namespace OneGate.Auth.Operators;

/// <summary>How an admin's change to an operator ended (<see cref="OperatorChanges"/>).</summary>
public enum OperatorChange
{
    Done,

    /// <summary>No operator has that id.</summary>
    NotFound,

    /// <summary>The operator is deactivated: nothing about it changes any more.</summary>
    Inactive,

    /// <summary>The change would leave no active ADMIN.</summary>
    LastAdmin,

    /// <summary>The acting admin was deactivated or lost the ADMIN role since its token was issued.</summary>
    ActorNotAdmin,

    /// <summary>Redis failed while ending the operator's sessions: nothing changed (the change rolled back), try again.</summary>
    SessionsNotEnded,
}
