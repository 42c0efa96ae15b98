using System.Net;
using System.Text;
using OneGate.Snap;
using static OneGate.Tests.Sandbox.SandboxAccessTokenTests;

namespace OneGate.Tests.Sandbox;

/// <summary>Services 54 and 55 as a SNAP partner meets them: every check a provider makes, idempotency, and the scripted outcomes.</summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class SandboxDebitPaymentTests(OneGateAppFixture fixture)
{
    [Theory]
    [InlineData("GoPay", "GOPAY")]
    [InlineData("ShopeePay", "SHOPEE_PAY")]
    public async Task Signed_charge_settles_and_the_sandbox_shows_it(string provider, string wireName)
    {
        using var partner = await SnapPartner.OfAsync(fixture, provider);
        var reference = SnapPartner.NewReference();

        var answer = await partner.ChargeAsync(reference, "25000.00");
        var status = await partner.StatusAsync(reference);
        var charge = await partner.SandboxChargeAsync(reference);

        Assert.Equal("2005400", answer.ResponseCode);
        Assert.Equal(reference, answer.PartnerReferenceNo);
        Assert.Equal(new SnapAmount("25000.00", "IDR"), answer.Amount);
        Assert.Equal(("2005500", SnapTransactionStatus.Success, answer.ReferenceNo), (status.ResponseCode, status.LatestTransactionStatus, status.OriginalReferenceNo));
        Assert.Equal(wireName, charge.GetProperty("provider").GetString());
        Assert.Equal(answer.ReferenceNo, charge.GetProperty("referenceNo").GetString());
        Assert.Equal("25000.00", charge.GetProperty("amount").GetRawText());
        Assert.Equal("settled", charge.GetProperty("status").GetString());
        Assert.Equal("0.00", charge.GetProperty("refundedAmount").GetRawText());
        Assert.Equal("succeed", charge.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Charge_with_a_wrong_hmac_is_4015400_and_charges_nothing()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var reference = SnapPartner.NewReference();

        using var response = await partner.CallAsync(SnapServices.DebitPaymentPath, partner.ChargeBody(reference, "25000.00"),
            SnapPartner.NewExternalId(), new CallTweaks(ForgeSignature: true));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "4015400");
        await AssertNoChargeAsync(partner, reference);
    }

    [Fact]
    public async Task Charge_whose_body_differs_from_the_signed_one_is_4015400()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var reference = SnapPartner.NewReference();
        var token = await partner.TokenAsync();
        var timestamp = SnapTimestamp.Format(DateTimeOffset.UtcNow);
        var signed = partner.ChargeBody(reference, "25000.00");
        var sent = partner.ChargeBody(reference, "95000.00");
        var path = partner.PathPrefix + SnapServices.DebitPaymentPath;

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(sent) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        request.Headers.TryAddWithoutValidation(SnapHeaders.Timestamp, timestamp);
        request.Headers.TryAddWithoutValidation(SnapHeaders.Signature, SnapSignature.SignSymmetric(partner.ClientSecret, "POST", path, token, signed, timestamp));
        request.Headers.TryAddWithoutValidation(SnapHeaders.PartnerId, partner.PartnerId);
        request.Headers.TryAddWithoutValidation(SnapHeaders.ExternalId, SnapPartner.NewExternalId());
        request.Headers.TryAddWithoutValidation(SnapHeaders.ChannelId, partner.ChannelId);
        using var response = await partner.Http.SendAsync(request);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "4015400");
        await AssertNoChargeAsync(partner, reference);
    }

    [Fact]
    public async Task Signature_covers_the_minified_body_so_whitespace_is_allowed()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var reference = SnapPartner.NewReference();
        var pretty = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(partner.ChargeBody(reference, "25000.00")).Replace(",", ",\n  ", StringComparison.Ordinal));

        using var response = await partner.CallAsync(SnapServices.DebitPaymentPath, pretty, SnapPartner.NewExternalId());

        Assert.Equal("2005400", (await SnapPartner.ReadAsync<DebitPaymentResponse>(response)).ResponseCode);
    }

    [Fact]
    public async Task Charge_with_an_unknown_or_other_providers_token_is_4015401()
    {
        using var goPay = await SnapPartner.OfAsync(fixture, "GoPay");
        using var shopeePay = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var body = goPay.ChargeBody(SnapPartner.NewReference(), "25000.00");

        using var unknown = await goPay.CallAsync(SnapServices.DebitPaymentPath, body, SnapPartner.NewExternalId(), new CallTweaks(Token: "not-a-token"));
        using var foreign = await goPay.CallAsync(SnapServices.DebitPaymentPath, body, SnapPartner.NewExternalId(),
            new CallTweaks(Token: await shopeePay.TokenAsync()));

        await AssertRefusedAsync(unknown, HttpStatusCode.Unauthorized, "4015401");
        await AssertRefusedAsync(foreign, HttpStatusCode.Unauthorized, "4015401");
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task Charge_with_a_stale_or_future_timestamp_is_4015400(int minutes)
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");

        using var response = await partner.CallAsync(SnapServices.DebitPaymentPath, partner.ChargeBody(SnapPartner.NewReference(), "25000.00"),
            SnapPartner.NewExternalId(), new CallTweaks(At: DateTimeOffset.UtcNow.AddMinutes(minutes)));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "4015400");
    }

    [Theory]
    [InlineData("PartnerId", "4015400")]
    [InlineData("ChannelId", "4015400")]
    [InlineData("ExternalId", "4005401")]
    [InlineData("Omit", "4005402")]
    public async Task Charge_with_a_wrong_header_is_refused(string spoil, string responseCode)
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var tweaks = spoil switch
        {
            "PartnerId" => new CallTweaks(PartnerId: "someone-else"),
            "ChannelId" => new CallTweaks(ChannelId: "00000"),
            "ExternalId" => new CallTweaks(ExternalId: "not-numeric"),
            _ => new CallTweaks(OmitHeader: SnapHeaders.ChannelId),
        };

        using var response = await partner.CallAsync(SnapServices.DebitPaymentPath, partner.ChargeBody(SnapPartner.NewReference(), "25000.00"),
            SnapPartner.NewExternalId(), tweaks);

        await AssertRefusedAsync(response, responseCode.StartsWith("401", StringComparison.Ordinal) ? HttpStatusCode.Unauthorized : HttpStatusCode.BadRequest,
            responseCode);
    }

    [Theory]
    [InlineData("25000")]
    [InlineData("25000.5")]
    [InlineData("25000.000")]
    [InlineData("-25000.00")]
    [InlineData("0.00")]
    [InlineData("25,000.00")]
    public async Task Charge_with_an_amount_not_in_two_decimals_is_4005401(string amount)
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var reference = SnapPartner.NewReference();

        using var response = await partner.CallAsync(SnapServices.DebitPaymentPath, partner.ChargeBody(reference, amount), SnapPartner.NewExternalId());

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "4005401");
        await AssertNoChargeAsync(partner, reference);
    }

    [Fact]
    public async Task Same_external_id_with_another_body_is_4095400()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var externalId = SnapPartner.NewExternalId();
        var second = SnapPartner.NewReference();

        using var first = await partner.CallAsync(SnapServices.DebitPaymentPath, partner.ChargeBody(SnapPartner.NewReference(), "25000.00"), externalId);
        using var reused = await partner.CallAsync(SnapServices.DebitPaymentPath, partner.ChargeBody(second, "25000.00"), externalId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertRefusedAsync(reused, HttpStatusCode.Conflict, "4095400");
        await AssertNoChargeAsync(partner, second);
    }

    [Fact]
    public async Task Same_external_id_with_the_identical_body_replays_the_answer_concurrently_and_charges_once()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var reference = SnapPartner.NewReference();
        var externalId = SnapPartner.NewExternalId();
        var body = partner.ChargeBody(reference, "25000.00");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await partner.CallAsync(SnapServices.DebitPaymentPath, body, externalId);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.Single(answers.Distinct());
        Assert.Equal(200, answers[0].Item1);
        Assert.Contains("2005400", answers[0].Item2, StringComparison.Ordinal);
        Assert.Equal("settled", (await partner.SandboxChargeAsync(reference)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Same_partner_reference_under_another_external_id_is_4095401_at_either_provider()
    {
        using var goPay = await SnapPartner.OfAsync(fixture, "GoPay");
        using var shopeePay = await SnapPartner.OfAsync(fixture, "ShopeePay");
        var reference = SnapPartner.NewReference();

        var first = await goPay.ChargeAsync(reference, "25000.00");
        var again = await goPay.ChargeAsync(reference, "25000.00");
        var elsewhere = await shopeePay.ChargeAsync(reference, "25000.00");

        Assert.Equal("2005400", first.ResponseCode);
        Assert.Equal("4095401", again.ResponseCode);
        Assert.Equal("4095401", elsewhere.ResponseCode);
        Assert.Equal("GOPAY", (await goPay.SandboxChargeAsync(reference)).GetProperty("provider").GetString());
    }

    [Fact]
    public async Task Declined_charge_is_4035414_and_status_says_failed()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        var reference = SnapPartner.NewReference();

        using var response = await partner.CallAsync(SnapServices.DebitPaymentPath, partner.ChargeBody(reference, "13000.00"), SnapPartner.NewExternalId());
        var status = await partner.StatusAsync(reference);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "4035414");
        Assert.Equal(SnapTransactionStatus.Failed, status.LatestTransactionStatus);
        Assert.Equal("declined", (await partner.SandboxChargeAsync(reference)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_of_an_unknown_charge_is_4045501()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");

        var status = await partner.StatusAsync(SnapPartner.NewReference());

        Assert.Equal("4045501", status.ResponseCode);
    }

    [Theory]
    [InlineData("GoPay")]
    [InlineData("ShopeePay")]
    public async Task Pending_charge_settles_and_sends_a_notification_signed_with_the_provider_key(string provider)
    {
        using var partner = await SnapPartner.OfAsync(fixture, provider);
        await using var inbox = new NotificationInbox();
        var reference = SnapPartner.NewReference();

        var answer = await partner.ChargeAsync(reference, "15000.00", inbox.NotifyUrl);
        var pending = await partner.StatusAsync(reference);
        var received = Assert.Single(await inbox.WaitForAsync(1, TimeSpan.FromSeconds(15)));
        var settled = await partner.StatusAsync(reference);

        Assert.Equal(("2025400", SnapTransactionStatus.Pending), (answer.ResponseCode, pending.LatestTransactionStatus));
        Assert.Equal("/v1.0/debit/notify", received.Path);
        Assert.True(SnapSignature.VerifyNotification(partner.ProviderKey, "POST", received.Path, received.Body,
            received.Headers[SnapHeaders.Timestamp], received.Headers[SnapHeaders.Signature]));
        Assert.True(SnapTimestamp.IsFresh(received.Headers[SnapHeaders.Timestamp], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)));
        Assert.True(SnapExternalIds.IsValid(received.Headers[SnapHeaders.ExternalId]));
        Assert.Equal((partner.PartnerId, partner.ChannelId), (received.Headers[SnapHeaders.PartnerId], received.Headers[SnapHeaders.ChannelId]));
        var notification = SnapJson.TryDeserialize<DebitNotification>(received.Body)!;
        Assert.Equal((reference, answer.ReferenceNo, SnapTransactionStatus.Success), (notification.OriginalPartnerReferenceNo,
            notification.OriginalReferenceNo, notification.LatestTransactionStatus));
        Assert.Equal(new SnapAmount("15000.00", "IDR"), notification.Amount);
        Assert.Equal(SnapTransactionStatus.Success, settled.LatestTransactionStatus);
        Assert.Equal("delivered", (await partner.SandboxChargeAsync(reference)).GetProperty("notifications").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Notification_not_accepted_is_retried_signed_afresh_until_2005600()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        await using var inbox = new NotificationInbox();
        inbox.AnswerNext(500, """{"responseCode":"5005601","responseMessage":"Internal Server Error"}""");
        inbox.AnswerNext(200, """{"responseCode":"4015600","responseMessage":"Unauthorized"}""");
        var reference = SnapPartner.NewReference();

        await partner.ChargeAsync(reference, "17000.00", inbox.NotifyUrl);
        var received = await inbox.WaitForAsync(3, TimeSpan.FromSeconds(20));
        var attempts = (await partner.SandboxChargeAsync(reference)).GetProperty("notifications");

        Assert.Equal(3, received.Count);
        Assert.Equal(3, received.Select(r => r.Headers[SnapHeaders.ExternalId]).Distinct().Count());
        Assert.All(received, r => Assert.Equal(SnapTransactionStatus.Failed, SnapJson.TryDeserialize<DebitNotification>(r.Body)!.LatestTransactionStatus));
        Assert.Equal("delivered", attempts.GetProperty("state").GetString());
        Assert.Equal(["5005601", "4015600", "2005600"],
            attempts.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("responseCode").GetString()));
    }

    [Fact]
    public async Task Notify_lost_settles_without_the_notification_arriving()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "ShopeePay");
        await using var inbox = new NotificationInbox();
        var reference = SnapPartner.NewReference();
        await partner.ScriptAsync(reference, "notify_lost");

        var answer = await partner.ChargeAsync(reference, "25000.00", inbox.NotifyUrl);
        var charge = await WaitForStatusAsync(partner, reference, "settled");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal("2025400", answer.ResponseCode);
        Assert.Equal(SnapTransactionStatus.Success, (await partner.StatusAsync(reference)).LatestTransactionStatus);
        Assert.Empty(inbox.Received);
        var notifications = (await partner.SandboxChargeAsync(reference)).GetProperty("notifications");
        Assert.Equal("lost", notifications.GetProperty("state").GetString());
        Assert.Equal("lost", Assert.Single(notifications.GetProperty("attempts").EnumerateArray()).GetProperty("error").GetString());
        Assert.Equal("notify_lost", charge.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Notify_again_resends_the_outcome_signed_afresh_and_is_409_while_pending()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");
        await using var inbox = new NotificationInbox();
        var reference = SnapPartner.NewReference();
        await partner.ScriptAsync(reference, "late_success");

        await partner.ChargeAsync(reference, "25000.00", inbox.NotifyUrl);
        using var whilePending = await partner.Http.PostAsync($"/sandbox/charges/{reference}/notify", null);
        using var unknown = await partner.Http.PostAsync($"/sandbox/charges/{SnapPartner.NewReference()}/notify", null);

        Assert.Equal(HttpStatusCode.Conflict, whilePending.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(SnapTransactionStatus.Pending, (await partner.StatusAsync(reference)).LatestTransactionStatus);

        var settled = await partner.ChargeAsync(SnapPartner.NewReference(), "25000.00", inbox.NotifyUrl);
        using var again = await partner.Http.PostAsync($"/sandbox/charges/{settled.PartnerReferenceNo}/notify", null);
        using var twice = await partner.Http.PostAsync($"/sandbox/charges/{settled.PartnerReferenceNo}/notify", null);
        var received = await inbox.WaitForAsync(2, TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(2, received.Count);
        Assert.NotEqual(received[0].Headers[SnapHeaders.ExternalId], received[1].Headers[SnapHeaders.ExternalId]);
        Assert.All(received, r => Assert.True(SnapSignature.VerifyNotification(partner.ProviderKey, "POST", r.Path, r.Body,
            r.Headers[SnapHeaders.Timestamp], r.Headers[SnapHeaders.Signature])));
    }

    [Fact]
    public async Task Unknown_charge_in_the_control_api_is_404()
    {
        using var partner = await SnapPartner.OfAsync(fixture, "GoPay");

        using var response = await partner.Http.GetAsync($"/sandbox/charges/{SnapPartner.NewReference()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    internal static async Task<System.Text.Json.JsonElement> WaitForStatusAsync(SnapPartner partner, string reference, string status)
    {
        for (var waited = 0; ; waited += 200)
        {
            var charge = await partner.SandboxChargeAsync(reference);
            if (charge.GetProperty("status").GetString() == status || waited > 15_000)
            {
                Assert.Equal(status, charge.GetProperty("status").GetString());
                return charge;
            }

            await Task.Delay(200);
        }
    }

    internal static byte[] StatusBody() => SnapJson.Serialize(new DebitStatusRequest(SnapPartner.NewReference(), null, SnapServices.DebitPayment));

    private static async Task AssertNoChargeAsync(SnapPartner partner, string reference)
    {
        using var response = await partner.Http.GetAsync($"/sandbox/charges/{reference}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
