namespace OneGate.Backoffice.Api;

/// <summary>A service refused the operator's token (401): the session ended (logout, idle, expiry, deactivation).</summary>
public sealed class OperatorSessionEndedException : Exception
{
    public OperatorSessionEndedException()
        : base("The operator's session has ended.")
    {
    }

    public OperatorSessionEndedException(string message)
        : base(message)
    {
    }

    public OperatorSessionEndedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
