using System.Net;
using System.Security.Cryptography;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// Forged and altered tokens are refused by Payment and Transaction. The control case (a token the test
/// signs itself with the real development key, right claims, live session) is accepted, which proves the
/// refusals come from the checks under test and not from a broken forger.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class TokenAttackTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");

    public static TheoryData<string, string> Protected() => new()
    {
        { "payment", "/api/payments/balance" },
        { "transaction", "/api/transactions/TRX-NONE" },
    };

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task A_token_signed_with_the_real_key_for_a_live_session_is_accepted(string service, string path)
    {
        var (user, sid) = await LiveSessionAsync();

        var status = await CallAsync(service, path, await SignAsync(user.Id, sid));

        Assert.NotEqual(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task Forged_or_altered_tokens_are_401(string service, string path)
    {
        var (user, sid) = await LiveSessionAsync();
        var other = await TestUsers.RegisterAsync(auth);
        var now = DateTimeOffset.UtcNow;
        var attacks = new Dictionary<string, string>
        {
            ["alg none"] = Unsigned(user.Id, sid),
            ["HS256 keyed with the public key"] = await HmacWithPublicKeyAsync(user.Id, sid),
            ["payload altered to another user"] = AlterSubject(user.AccessToken!, other.Id),
            ["wrong issuer"] = await SignAsync(user.Id, sid, issuer: "evil-issuer"),
            ["wrong audience"] = await SignAsync(user.Id, sid, audience: "another-api"),
            ["expired"] = await SignAsync(user.Id, sid, issuedAt: now.AddHours(-2), expires: now.AddHours(-1)),
            ["session that does not exist"] = await SignAsync(user.Id, Guid.NewGuid().ToString()),
            ["signed by another key"] = Sign(ECDsa.Create(ECCurve.NamedCurves.nistP256), user.Id, sid),
            ["garbage"] = "not.a.jwt",
        };

        foreach (var (name, token) in attacks)
        {
            Assert.True(await CallAsync(service, path, token) == HttpStatusCode.Unauthorized, $"{name} was not refused by {service}");
        }
    }

    [Fact]
    public async Task A_token_of_a_logged_out_session_is_401_even_when_validly_signed()
    {
        var (user, sid) = await LiveSessionAsync();
        var forged = await SignAsync(user.Id, sid);
        using var logout = await auth.SendAsync(user.Authorized(HttpMethod.Post, "/api/auth/logout"));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync("payment", "/api/payments/balance", forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync("transaction", "/api/transactions/TRX-NONE", forged));
    }

    private async Task<(TestUser User, string Sid)> LiveSessionAsync()
    {
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        var sid = ForgedTokens.SessionOf(user.AccessToken!);
        return (user, sid);
    }

    private async Task<HttpStatusCode> CallAsync(string service, string path, string token)
    {
        using var client = fixture.CreateClient(service);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private Task<ECDsa> DevelopmentKeyAsync() => ForgedTokens.DevelopmentKeyAsync(fixture);

    private async Task<string> SignAsync(int userId, string sid, string issuer = "onegate-auth", string audience = "onegate-api",
        DateTimeOffset? issuedAt = null, DateTimeOffset? expires = null) =>
        Sign(await DevelopmentKeyAsync(), userId, sid, issuer, audience, issuedAt, expires);

    private static string Sign(ECDsa key, int userId, string sid, string issuer = "onegate-auth", string audience = "onegate-api",
        DateTimeOffset? issuedAt = null, DateTimeOffset? expires = null) =>
        ForgedTokens.Sign(key, userId, sid, issuer, audience, issuedAt, expires);

    private static string Unsigned(int userId, string sid) => ForgedTokens.Unsigned(userId, sid);

    private async Task<string> HmacWithPublicKeyAsync(int userId, string sid)
    {
        using var key = await DevelopmentKeyAsync();
        return ForgedTokens.HmacWithPublicKey(key, userId, sid);
    }

    private static string AlterSubject(string token, int otherUserId) => ForgedTokens.AlterSubject(token, otherUserId);
}
