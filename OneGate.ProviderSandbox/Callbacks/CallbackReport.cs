namespace OneGate.ProviderSandbox.Callbacks;

/// <summary>A charge's callback state and every attempt so far.</summary>
public sealed record CallbackReport(CallbackState State, IReadOnlyList<CallbackAttempt> Attempts);
