using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OneGate.Transaction.Regulators.Pseudonyms;

/// <summary>
/// Stable pseudonymous account ids for regulators: <c>acc_</c> + the first 16 bytes (hex) of
/// HMAC-SHA256(<c>Regulators:PseudonymKey</c>, account id). The same account always gets the same pseudonym,
/// across requests, replicas and restarts, so regulators can follow an account without learning who it is;
/// without the key the mapping cannot be reversed or recomputed. When the key is not configured, it is derived
/// (HKDF-SHA256) from the database connection string, which every replica shares, and a warning is logged:
/// production must set its own key.
/// </summary>
public sealed class AccountPseudonyms
{
    private readonly byte[] key;

    public AccountPseudonyms(IOptions<RegulatorOptions> options, IConfiguration configuration, ILogger<AccountPseudonyms> logger)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PseudonymKey))
        {
            key = Encoding.UTF8.GetBytes(options.Value.PseudonymKey);
            return;
        }

        logger.LogWarning("Regulators:PseudonymKey is not configured; deriving the pseudonym key from the database connection string. Set it in every deployment.");
        var seed = configuration.GetConnectionString("onegate") ?? "onegate";
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(seed), 32, info: Encoding.UTF8.GetBytes("onegate-regulator-pseudonyms"));
    }

    public string Of(Guid accountId)
    {
        Span<byte> id = stackalloc byte[16];
        accountId.TryWriteBytes(id, bigEndian: true, out _);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, id, mac);
        return "acc_" + Convert.ToHexStringLower(mac[..16]);
    }
}
