using System.Security.Cryptography;
using System.Text;

namespace OneGate.ProviderSandbox.GoPay;

/// <summary><c>signature_key = lowercase hex SHA-512(order_id + status_code + gross_amount + server_key)</c> (Midtrans style).</summary>
public static class GoPaySignature
{
    public static string Compute(string orderId, string statusCode, string grossAmount, string serverKey) =>
        Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(orderId + statusCode + grossAmount + serverKey)));
}
