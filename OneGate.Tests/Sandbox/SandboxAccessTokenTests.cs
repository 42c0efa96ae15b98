using System.Net;
using System.Security.Cryptography;
using OneGate.Snap;

namespace OneGate.Tests.Sandbox;

/// <summary>Service 73 as the sandbox checks it: our RSA signature over clientId|timestamp, a fresh timestamp, the headers.</summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class SandboxAccessTokenTests(OneGateAppFixture fixture)
{
    [Theory]
    [InlineData("GoPay")]
    [InlineData("ShopeePay")]
    public async Task Token_request_signed_with_the_partner_key_gets_a_bearer_token_for_900_seconds(string provider)
    {
        using var partner = await SnapPartner.OfAsync(fixture, provider);

        using var response = await partner.RequestTokenAsync();
        var answer = await SnapPartner.ReadAsync<AccessTokenResponse>(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2007300", answer.ResponseCode);
        Assert.Equal("Bearer", answer.TokenType);
        Assert.Equal("900", answer.ExpiresIn);
        Assert.True(answer.AccessToken!.Length >= 40);
        Assert.NotEqual(answer.AccessToken, await partner.TokenAsync());
    }

    [Fact]
    public async Task Token_request_signed_with_another_key_is_4017300()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        using var stranger = RSA.Create(2048);

        using var response = await partner.RequestTokenAsync(signWith: stranger);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "4017300");
    }

    [Fact]
    public async Task Token_request_of_an_unknown_client_is_4017300()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");

        using var response = await partner.RequestTokenAsync(clientId: "someone-else");

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "4017300");
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task Token_request_with_a_stale_or_future_timestamp_is_4017300(int minutes)
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");

        using var response = await partner.RequestTokenAsync(at: DateTimeOffset.UtcNow.AddMinutes(minutes));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "4017300");
    }

    [Theory]
    [InlineData(SnapHeaders.Signature)]
    [InlineData(SnapHeaders.Timestamp)]
    [InlineData(SnapHeaders.ClientKey)]
    public async Task Token_request_without_a_header_is_4007302(string header)
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");

        using var response = await partner.RequestTokenAsync(omitHeader: header);

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "4007302");
    }

    [Theory]
    [InlineData("""{"grantType":"password"}""", "4007301")]
    [InlineData("""{}""", "4007302")]
    [InlineData("""not json""", "4007301")]
    public async Task Token_request_with_a_bad_body_is_400(string body, string responseCode)
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");

        using var response = await partner.RequestTokenAsync(body: body);

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, responseCode);
    }

    internal static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string responseCode)
    {
        var answer = await SnapPartner.ReadAsync<SnapAnswer>(response);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(responseCode, answer.ResponseCode);
        Assert.False(string.IsNullOrWhiteSpace(answer.ResponseMessage));
    }
}
