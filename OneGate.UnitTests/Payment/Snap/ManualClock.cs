namespace OneGate.UnitTests.Payment.Snap;

/// <summary>A clock the test moves by hand (token expiry, notification freshness).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
