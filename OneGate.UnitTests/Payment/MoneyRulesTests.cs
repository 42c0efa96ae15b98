using System.Text.Json;
using OneGate.Payment.Ledger;
using OneGate.Payment.Payments;

namespace OneGate.UnitTests.Payment;

/// <summary>Amount rules on amounts as the API's JSON reader hands them over (its scale is the written fraction digits).</summary>
public sealed class MoneyRulesTests
{
    [Theory]
    [InlineData("1000.000", 3)]
    [InlineData("1000.001", 3)]
    [InlineData("1000.00", 2)]
    [InlineData("1000.5", 1)]
    [InlineData("1000", 0)]
    public void Json_keeps_the_written_fraction_digits_of_an_amount(string written, int scale)
    {
        Assert.Equal(scale, Read(written).Scale);
    }

    [Theory]
    [InlineData("1000.000")]
    [InlineData("0.001")]
    [InlineData("1000.010")]
    public void A_third_fraction_digit_is_refused_even_when_zero(string written)
    {
        Assert.True(Errors(written).ContainsKey("amount"));
    }

    [Theory]
    [InlineData("1000.00")]
    [InlineData("1000")]
    [InlineData("1000.5")]
    [InlineData("9999999999999.99")]
    public void Up_to_two_fraction_digits_pass(string written)
    {
        Assert.Empty(Errors(written));
    }

    [Theory]
    [InlineData("1000", "1000.00")]
    [InlineData("1000.5", "1000.50")]
    [InlineData("0.01", "0.01")]
    public void Validated_amounts_are_written_with_two_fraction_digits(string written, string echoed)
    {
        Assert.Equal(echoed, JsonSerializer.Serialize(MoneyRules.TwoDecimals(Read(written))));
    }

    private static decimal Read(string amount) =>
        JsonSerializer.Deserialize<PayRequest>($$"""{"amount":{{amount}}}""", JsonSerializerOptions.Web)!.Amount!.Value;

    private static Dictionary<string, string[]> Errors(string amount)
    {
        var errors = new Dictionary<string, string[]>();
        MoneyRules.Amount(Read(amount), errors);
        return errors;
    }
}
