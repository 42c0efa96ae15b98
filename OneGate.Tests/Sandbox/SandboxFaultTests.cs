using System.Net;
using System.Net.Http.Json;
using OneGate.Snap;
using static OneGate.Tests.Sandbox.SandboxAccessTokenTests;

namespace OneGate.Tests.Sandbox;

/// <summary>Fault windows: injected failures answer as a failing SNAP provider would, forged notifications do not verify.</summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class SandboxFaultTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Injected_failure_is_a_snap_500_and_records_nothing()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var token = await partner.TokenAsync();
        var reference = SnapPartner.NewReference();
        try
        {
            await StartFaultAsync(partner, failureRate: 1, corruptSignatures: false);

            using var charge = await partner.CallAsync(SnapServices.DebitPaymentPath, partner.ChargeBody(reference, "25000.00"),
                SnapPartner.NewExternalId(), new CallTweaks(Token: token));
            using var health = await partner.Http.GetAsync("/health");

            await AssertRefusedAsync(charge, HttpStatusCode.InternalServerError, "5005401");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            using var cleared = await partner.Http.DeleteAsync("/sandbox/faults");
        }

        using var unknown = await partner.Http.GetAsync($"/sandbox/charges/{reference}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Corrupt_signatures_forge_the_notification_signature()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        await using var inbox = new NotificationInbox();
        try
        {
            await StartFaultAsync(partner, failureRate: 0, corruptSignatures: true);

            await partner.ChargeAsync(SnapPartner.NewReference(), "15000.00", inbox.NotifyUrl);
            var received = (await inbox.WaitForAsync(1, TimeSpan.FromSeconds(15)))[0];

            Assert.False(SnapSignature.VerifyNotification(partner.ProviderKey, "POST", received.Path, received.Body,
                received.Headers[SnapHeaders.Timestamp], received.Headers[SnapHeaders.Signature]));
        }
        finally
        {
            using var cleared = await partner.Http.DeleteAsync("/sandbox/faults");
        }
    }

    private static async Task StartFaultAsync(SnapPartner partner, double failureRate, bool corruptSignatures)
    {
        using var response = await partner.Http.PostAsJsonAsync("/sandbox/faults",
            new { latencyMs = 0, failureRate, durationSeconds = 60, corruptSignatures });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
