using System.Security.Cryptography;
using System.Text;

namespace OneGate.Payment.Providers.GoPay;

/// <summary><c>signature_key = lowercase hex SHA-512(order_id + status_code + gross_amount + server_key)</c>.</summary>
internal static class GoPaySignature
{
    public static string Compute(string orderId, string statusCode, string grossAmount, string serverKey) =>
        Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(orderId + statusCode + grossAmount + serverKey)));

    /// <summary>Constant-time comparison of the presented signature with the one we compute.</summary>
    public static bool Matches(string presented, string orderId, string statusCode, string grossAmount, string serverKey) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Compute(orderId, statusCode, grossAmount, serverKey)),
            Encoding.UTF8.GetBytes(presented));
}
