namespace OneGate.Transaction.Regulators.Keys;

/// <summary>The regulators the platform knows (rows of <c>external_services</c>, found by code).</summary>
public static class RegulatorServices
{
    public const string BankIndonesia = "BANK_INDONESIA";
    public const string Ojk = "OJK";

    /// <summary>Code → display name; <c>keys create</c> creates a known service's row on first use.</summary>
    public static readonly IReadOnlyDictionary<string, string> Known = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [BankIndonesia] = "Bank Indonesia",
        [Ojk] = "Otoritas Jasa Keuangan",
    };
}
