namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>Holds the current <see cref="ActiveFault"/>, if any, until it expires. Swapped atomically.</summary>
public sealed class FaultInjector(TimeProvider time)
{
    private ActiveFault? _fault;

    public ActiveFault? Current
    {
        get
        {
            var fault = Volatile.Read(ref _fault);
            return fault is not null && fault.Until > time.GetUtcNow() ? fault : null;
        }
    }

    /// <summary>True while a fault asks for forged notification signatures.</summary>
    public bool CorruptSignatures => Current?.CorruptSignatures == true;

    public ActiveFault Start(int latencyMs, double failureRate, bool corruptSignatures, TimeSpan duration)
    {
        var fault = new ActiveFault(latencyMs, failureRate, corruptSignatures, time.GetUtcNow() + duration);
        Volatile.Write(ref _fault, fault);
        return fault;
    }

    public void Clear() => Volatile.Write(ref _fault, null);
}
