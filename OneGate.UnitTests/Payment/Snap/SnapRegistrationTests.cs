using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Payment.Providers;
using OneGate.Snap;
using static OneGate.UnitTests.Payment.Snap.ScriptedSnapProvider;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>
/// AddEWalletProviders as Payment registers it: one SnapProvider per e-wallet with its own options section and named
/// client, whose resilience pipeline retries a lost answer with the same external id and bytes; bad options stop the start.
/// </summary>
public sealed class SnapRegistrationTests
{
    [Theory]
    [InlineData(PaymentMethod.Gopay, "GoPay", "/gopay")]
    [InlineData(PaymentMethod.ShopeePay, "ShopeePay", "/shopeepay")]
    public async Task Each_e_wallet_is_a_SnapProvider_with_its_own_section_and_prefix(PaymentMethod method, string section, string prefix)
    {
        var provider = new ScriptedSnapProvider(SnapClientHarness.PublicHalf(SnapClientHarness.PartnerKey), TimeProvider.System, prefix)
        {
            Respond = call => Answer(200, SnapClientHarness.ChargeAnswer(call, "2005400")),
        };
        using var host = Build(provider, section, prefix);

        var client = host.Services.GetRequiredService<EWalletProviders>().For(method);
        var result = await client.ChargeAsync(SnapClientHarness.Charge(), default);

        Assert.Equal(method, client.Method);
        Assert.Equal(ProviderOutcome.Succeeded, result.Outcome);
        var notify = Assert.Single(provider.Calls).Json.GetProperty("urlParams")[0].GetProperty("url").GetString();
        Assert.Equal("http://payment.test/api/payments/callbacks/" + prefix.TrimStart('/'), notify);
    }

    [Fact]
    public async Task A_charge_whose_answer_was_a_5xx_is_retried_with_the_same_external_id_and_bytes()
    {
        var answers = 0;
        var provider = new ScriptedSnapProvider(SnapClientHarness.PublicHalf(SnapClientHarness.PartnerKey), TimeProvider.System)
        {
            Respond = call => Interlocked.Increment(ref answers) == 1
                ? Answer(500, new SnapAnswer("5005401", "Internal Server Error"))
                : Answer(200, SnapClientHarness.ChargeAnswer(call, "2005400")),
        };
        using var host = Build(provider, "GoPay", "/gopay");
        var charge = SnapClientHarness.Charge();

        var result = await host.Services.GetRequiredService<EWalletProviders>().For(PaymentMethod.Gopay).ChargeAsync(charge, default);

        Assert.Equal(ProviderOutcome.Succeeded, result.Outcome);
        Assert.Equal(2, provider.Calls.Count);
        Assert.All(provider.Calls, c => Assert.Equal(charge.ExternalId, c.ExternalId));
        Assert.Equal(provider.Calls[0].Body, provider.Calls[1].Body);
    }

    [Theory]
    [InlineData("ChannelId", "1234")]
    [InlineData("BaseUrl", "provider.test")]
    [InlineData("ClientSecret", "short")]
    [InlineData("ProviderPublicKeyPem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    public void A_bad_provider_setting_stops_the_start(string key, string value)
    {
        var provider = new ScriptedSnapProvider(SnapClientHarness.PublicHalf(SnapClientHarness.PartnerKey), TimeProvider.System);
        using var host = Build(provider, "GoPay", "/gopay", ($"Providers:ShopeePay:{key}", value));

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(ScriptedSnapProvider provider, string section, string prefix, params (string Key, string Value)[] overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["Providers:CallbackBaseUrl"] = "http://payment.test",
            ["Providers:RetryBaseDelay"] = "00:00:00",
        };
        foreach (var name in new[] { "GoPay", "ShopeePay" })
        {
            var o = SnapClientHarness.NewOptions();
            settings[$"Providers:{name}:BaseUrl"] = o.BaseUrl;
            settings[$"Providers:{name}:PathPrefix"] = name == section ? prefix : "/other";
            settings[$"Providers:{name}:PartnerId"] = o.PartnerId;
            settings[$"Providers:{name}:ChannelId"] = o.ChannelId;
            settings[$"Providers:{name}:MerchantId"] = o.MerchantId;
            settings[$"Providers:{name}:ClientId"] = o.ClientId;
            settings[$"Providers:{name}:ClientSecret"] = o.ClientSecret;
            settings[$"Providers:{name}:PrivateKeyPem"] = o.PrivateKeyPem;
            settings[$"Providers:{name}:ProviderPublicKeyPem"] = o.ProviderPublicKeyPem;
        }

        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddEWalletProviders();
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => provider));
        return builder.Build();
    }
}
