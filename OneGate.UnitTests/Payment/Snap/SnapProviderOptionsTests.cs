using System.ComponentModel.DataAnnotations;
using OneGate.Payment.Providers.Snap;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>A provider's configuration is checked at start: a wrong URL, channel, key or short secret stops the service.</summary>
public sealed class SnapProviderOptionsTests
{
    [Fact]
    public void Complete_options_are_valid() => Assert.Empty(Errors(_ => { }));

    [Theory]
    [InlineData(nameof(SnapProviderOptions.BaseUrl), "/relative")]
    [InlineData(nameof(SnapProviderOptions.BaseUrl), "ftp://provider.test")]
    [InlineData(nameof(SnapProviderOptions.ChannelId), "9522")]
    [InlineData(nameof(SnapProviderOptions.ChannelId), "95221a")]
    [InlineData(nameof(SnapProviderOptions.ClientSecret), "too-short")]
    [InlineData(nameof(SnapProviderOptions.PathPrefix), "gopay")]
    [InlineData(nameof(SnapProviderOptions.PathPrefix), "/gopay/")]
    [InlineData(nameof(SnapProviderOptions.PrivateKeyPem), "not a key")]
    [InlineData(nameof(SnapProviderOptions.MerchantId), "")]
    [InlineData(nameof(SnapProviderOptions.PartnerId), "")]
    public void A_bad_value_is_refused(string property, string value)
    {
        var errors = Errors(o => typeof(SnapProviderOptions).GetProperty(property)!.SetValue(o, value));

        Assert.Contains(errors, e => e.MemberNames.Contains(property));
    }

    [Fact]
    public void Keys_of_the_wrong_half_are_refused()
    {
        var errors = Errors(o => (o.PrivateKeyPem, o.ProviderPublicKeyPem) = (o.ProviderPublicKeyPem, o.PrivateKeyPem));

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(SnapProviderOptions.PrivateKeyPem)));
        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(SnapProviderOptions.ProviderPublicKeyPem)));
    }

    private static List<ValidationResult> Errors(Action<SnapProviderOptions> change)
    {
        var options = SnapClientHarness.NewOptions();
        change(options);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
