using OneGate.Payment.Providers;
using OneGate.Snap;
using static OneGate.UnitTests.Payment.Snap.ScriptedSnapProvider;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>The B2B access token (service 73): signed with our key, cached until shortly before expiry, fetched once for concurrent callers.</summary>
public sealed class SnapTokenTests : IDisposable
{
    private readonly SnapClientHarness snap = new();

    public SnapTokenTests() => snap.Provider.Respond = call => Answer(200, SnapClientHarness.ChargeAnswer(call, "2005400"));

    public void Dispose() => snap.Dispose();

    [Fact]
    public async Task The_token_is_reused_until_TokenRefreshSkew_before_it_expires()
    {
        snap.Provider.TokenLifetimeSeconds = 900; // refresh skew 60 s: good for 840 s

        await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);
        snap.Clock.Advance(TimeSpan.FromSeconds(839));
        await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);
        Assert.Equal(1, snap.Provider.TokensIssued);

        snap.Clock.Advance(TimeSpan.FromSeconds(2));
        await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);
        Assert.Equal(2, snap.Provider.TokensIssued);
        Assert.NotEqual(snap.Provider.Calls[1].Token, snap.Provider.Calls[2].Token);
    }

    [Fact]
    public async Task A_short_lived_token_is_refreshed_at_half_its_life_at_the_latest()
    {
        snap.Provider.TokenLifetimeSeconds = 60; // skew 60 s would leave nothing: capped at 30 s

        await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);
        snap.Clock.Advance(TimeSpan.FromSeconds(29));
        await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);
        snap.Clock.Advance(TimeSpan.FromSeconds(2));
        await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);

        Assert.Equal(2, snap.Provider.TokensIssued);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_token_fetch()
    {
        snap.Provider.TokenDelay = TimeSpan.FromMilliseconds(300);

        var results = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default)));

        Assert.All(results, r => Assert.Equal(ProviderOutcome.Succeeded, r.Outcome));
        Assert.Equal(1, snap.Provider.TokensIssued);
        Assert.Single(snap.Provider.Calls.Select(c => c.Token).Distinct());
    }

    [Theory]
    [InlineData(401, "4017300", "x", "Bearer", "900")]  // our key or client refused
    [InlineData(500, "5007300", "x", "Bearer", "900")]
    [InlineData(200, "2007300", "", "Bearer", "900")]   // no token
    [InlineData(200, "2007300", "x", "MAC", "900")]     // not a bearer token
    [InlineData(200, "2007300", "x", "Bearer", "0")]
    [InlineData(200, "2007300", "x", "Bearer", "soon")]
    [InlineData(200, "2005400", "x", "Bearer", "900")]  // another service's code
    public async Task A_token_answer_we_cannot_use_makes_the_call_unknown_and_nothing_is_sent(int status, string code, string token, string type, string expiresIn)
    {
        snap.Provider.RespondToTokenRequest = () => Answer(status, new { responseCode = code, responseMessage = "x", accessToken = token, tokenType = type, expiresIn });

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default));

        Assert.Empty(snap.Provider.Calls);
    }

    [Fact]
    public async Task A_failed_token_fetch_is_not_cached()
    {
        snap.Provider.RespondToTokenRequest = () => Answer(500, new SnapAnswer("5007300", "down"));
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => snap.Client.ChargeAsync(SnapClientHarness.Charge(), default));

        snap.Provider.RespondToTokenRequest = null;
        var result = await snap.Client.ChargeAsync(SnapClientHarness.Charge(), default);

        Assert.Equal(ProviderOutcome.Succeeded, result.Outcome);
    }
}
