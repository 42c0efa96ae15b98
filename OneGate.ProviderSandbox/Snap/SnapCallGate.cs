using System.Text;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>
/// What a provider checks on every transactional call before reading its body, in this order: headers present and
/// well-formed (400 SS02 / SS01), the access token (401 SS01), <c>X-TIMESTAMP</c> freshness, <c>X-PARTNER-ID</c> of the
/// token's partner, the HMAC-SHA512 over the bytes received and the <c>CHANNEL-ID</c> (401 SS00).
/// </summary>
public sealed class SnapCallGate(SandboxProviders providers, AccessTokens tokens, TimeProvider time)
{
    private const string BearerScheme = "Bearer ";

    private static readonly string[] Required =
        ["Authorization", SnapHeaders.Timestamp, SnapHeaders.Signature, SnapHeaders.PartnerId, SnapHeaders.ExternalId, SnapHeaders.ChannelId];

    /// <summary>The refusal, or null when the call may go on.</summary>
    public SnapReply? Check(HttpRequest request, SandboxProvider provider, string service, byte[] body)
    {
        var headers = request.Headers;
        if (Array.Find(Required, h => string.IsNullOrEmpty(headers[h].ToString())) is { } missing)
        {
            return SnapReply.MissingField(service, missing);
        }

        return CheckFormats(request, service) ?? CheckAuthentication(request, provider, service, body);
    }

    private static SnapReply? CheckFormats(HttpRequest request, string service)
    {
        var headers = request.Headers;
        if (!SnapTimestamp.TryParse(headers[SnapHeaders.Timestamp], out _))
        {
            return SnapReply.InvalidFormat(service, SnapHeaders.Timestamp);
        }

        if (!SnapExternalIds.IsValid(headers[SnapHeaders.ExternalId]))
        {
            return SnapReply.InvalidFormat(service, SnapHeaders.ExternalId);
        }

        if (headers[SnapHeaders.PartnerId].ToString().Length > 36)
        {
            return SnapReply.InvalidFormat(service, SnapHeaders.PartnerId);
        }

        var channel = headers[SnapHeaders.ChannelId].ToString();
        return channel.Length == 5 && channel.All(char.IsAsciiDigit) ? null : SnapReply.InvalidFormat(service, SnapHeaders.ChannelId);
    }

    private SnapReply? CheckAuthentication(HttpRequest request, SandboxProvider provider, string service, byte[] body)
    {
        var o = providers[provider];
        var headers = request.Headers;
        var authorization = headers.Authorization.ToString();
        var accessToken = authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase) ? authorization[BearerScheme.Length..].Trim() : "";
        if (tokens.Find(provider, accessToken) is null)
        {
            return SnapReply.InvalidToken(service);
        }

        var timestamp = headers[SnapHeaders.Timestamp].ToString();
        if (!SnapTimestamp.IsFresh(timestamp, time.GetUtcNow(), o.MaxClockSkew))
        {
            return SnapReply.Unauthorized(service, "X-TIMESTAMP is outside the allowed window.");
        }

        // One partner is registered per provider, so the token's client is that partner.
        if (!SameText(headers[SnapHeaders.PartnerId].ToString(), o.PartnerId))
        {
            return SnapReply.Unauthorized(service, "Unknown X-PARTNER-ID.");
        }

        var path = request.PathBase.Add(request.Path).ToUriComponent();
        if (!SnapSignature.VerifySymmetric(o.ClientSecret, request.Method, path, accessToken, body, timestamp, headers[SnapHeaders.Signature]))
        {
            return SnapReply.Unauthorized(service, "Invalid signature.");
        }

        return SameText(headers[SnapHeaders.ChannelId].ToString(), o.ChannelId)
            ? null
            : SnapReply.Unauthorized(service, "Unknown CHANNEL-ID.");
    }

    private static bool SameText(string presented, string expected) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
