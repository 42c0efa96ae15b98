using System.Net;
using OneGate.Snap;
using static OneGate.Tests.Sandbox.SandboxAccessTokenTests;

namespace OneGate.Tests.Sandbox;

/// <summary>
/// Revoking the sandbox's tokens revokes Payment's too (every token at both e-wallets): alone, so that no top-up or
/// refund of another class meets a revoked token between its fetch and its resend.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class SandboxTokenRevocationTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Revoked_tokens_stop_working_at_both_providers()
    {
        using var goPay = await SnapPartner.OfAsync(fixture, "GoPay");
        using var shopeePay = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var goPayToken = await goPay.TokenAsync();
        var shopeePayToken = await shopeePay.TokenAsync();

        using var revoke = await goPay.Http.DeleteAsync("/sandbox/tokens");
        using var gone = await goPay.CallAsync(SnapServices.DebitStatusPath, SandboxDebitPaymentTests.StatusBody(), SnapPartner.NewExternalId(),
            new CallTweaks(Token: goPayToken));
        using var goneToo = await shopeePay.CallAsync(SnapServices.DebitStatusPath, SandboxDebitPaymentTests.StatusBody(), SnapPartner.NewExternalId(),
            new CallTweaks(Token: shopeePayToken));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await AssertRefusedAsync(gone, HttpStatusCode.Unauthorized, "4015501");
        await AssertRefusedAsync(goneToo, HttpStatusCode.Unauthorized, "4015501");
    }
}
