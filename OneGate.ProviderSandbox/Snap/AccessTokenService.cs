using System.Globalization;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>
/// Service 73, B2B access token: <c>X-SIGNATURE</c> = SHA256withRSA over <c>clientId|X-TIMESTAMP</c>, verified with the
/// partner's registered public key. Missing header or field 400 7302, bad format 400 7301; unknown client, stale
/// timestamp or bad signature 401 7300.
/// </summary>
public sealed class AccessTokenService(SandboxProviders providers, AccessTokens tokens, TimeProvider time)
{
    private const string Service = SnapServices.AccessToken;
    private const string ClientCredentials = "client_credentials";
    private static readonly string[] Required = [SnapHeaders.ClientKey, SnapHeaders.Timestamp, SnapHeaders.Signature];

    public async Task<SnapReply> IssueAsync(HttpContext http, SandboxProvider provider)
    {
        var request = http.Request;
        var body = await RequestBody.ReadAsync(request, http.RequestAborted);
        if (body is null)
        {
            return SnapReply.InvalidFormat(Service, "body (over 64 KiB)");
        }

        var refused = CheckHeaders(request.Headers) ?? CheckSignature(request.Headers, provider) ?? CheckBody(body);
        if (refused is not null)
        {
            return refused;
        }

        var clientId = request.Headers[SnapHeaders.ClientKey].ToString();
        var (accessToken, expiresIn) = tokens.Issue(provider, clientId);
        return SnapReply.Of(StatusCodes.Status200OK, new AccessTokenResponse(SnapReply.Code(200, Service, "00"), "Successful", accessToken, "Bearer",
            expiresIn.ToString(CultureInfo.InvariantCulture)));
    }

    private static SnapReply? CheckHeaders(IHeaderDictionary headers)
    {
        if (Array.Find(Required, h => string.IsNullOrEmpty(headers[h].ToString())) is { } missing)
        {
            return SnapReply.MissingField(Service, missing);
        }

        return SnapTimestamp.TryParse(headers[SnapHeaders.Timestamp], out _) ? null : SnapReply.InvalidFormat(Service, SnapHeaders.Timestamp);
    }

    private SnapReply? CheckSignature(IHeaderDictionary headers, SandboxProvider provider)
    {
        var o = providers[provider];
        var clientId = headers[SnapHeaders.ClientKey].ToString();
        var timestamp = headers[SnapHeaders.Timestamp].ToString();
        if (clientId != o.ClientId)
        {
            return SnapReply.Unauthorized(Service, "Unknown client.");
        }

        if (!SnapTimestamp.IsFresh(timestamp, time.GetUtcNow(), o.MaxClockSkew))
        {
            return SnapReply.Unauthorized(Service, "X-TIMESTAMP is outside the allowed window.");
        }

        using var partnerKey = providers.PartnerPublicKey(provider);
        return SnapSignature.VerifyB2B(partnerKey, clientId, timestamp, headers[SnapHeaders.Signature])
            ? null
            : SnapReply.Unauthorized(Service, "Invalid signature.");
    }

    private static SnapReply? CheckBody(byte[] body) => SnapJson.TryDeserialize<AccessTokenRequest>(body) switch
    {
        null => SnapReply.InvalidFormat(Service, "body"),
        { GrantType: null or "" } => SnapReply.MissingField(Service, "grantType"),
        { GrantType: ClientCredentials } => null,
        _ => SnapReply.InvalidFormat(Service, "grantType"),
    };
}
