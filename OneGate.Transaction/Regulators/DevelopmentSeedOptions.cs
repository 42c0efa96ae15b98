namespace OneGate.Transaction.Regulators;

/// <summary>Section <c>Regulators:DevelopmentSeed</c>: the AppHost's development keys for Bank Indonesia and OJK.</summary>
public sealed class DevelopmentSeedOptions
{
    public bool Enabled { get; set; }

    public string? BankIndonesiaKey { get; set; }

    public string? OjkKey { get; set; }
}
