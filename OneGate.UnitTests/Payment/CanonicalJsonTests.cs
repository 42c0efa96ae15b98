using System.Text;
using OneGate.Payment.Idempotency;

namespace OneGate.UnitTests.Payment;

/// <summary>The idempotency fingerprint's canonical form: equal JSON values, equal bytes.</summary>
public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData("""{"amount":100,"merchant":"m"}""", """{ "merchant" : "m",  "amount" : 100 }""")]
    [InlineData("""{"amount":100}""", """{"amount":100.0}""")]
    [InlineData("""{"amount":100}""", """{"amount":100.00}""")]
    [InlineData("""{"amount":100}""", """{"amount":1e2}""")]
    [InlineData("""{"amount":0.5}""", """{"amount":0.50}""")]
    [InlineData("""{"merchant":"Warung"}""", """{"merchant":"W\u0061rung"}""")]
    [InlineData("""{"a":{"y":1,"x":[1,2.0]}}""", """{"a":{"x":[1.00,2],"y":1.0}}""")]
    public void Same_values_in_another_form_are_equal(string one, string other)
    {
        Assert.Equal(Canonical(one), Canonical(other));
    }

    [Theory]
    [InlineData("""{"amount":100}""", """{"amount":100.01}""")]
    [InlineData("""{"amount":100}""", """{"amount":"100"}""")]
    [InlineData("""{"amount":100}""", """{"amount":100,"description":"x"}""")]
    [InlineData("""{"a":[1,2]}""", """{"a":[2,1]}""")]
    [InlineData("""{"amount":1e400}""", """{"amount":1e401}""")]
    public void Other_values_differ(string one, string other)
    {
        Assert.NotEqual(Canonical(one), Canonical(other));
    }

    [Fact]
    public void Keys_are_sorted_ordinally_and_numbers_written_by_value()
    {
        Assert.Equal("""{"B":1,"a":100,"b":[0.5,"x"]}""", Canonical("""{"b":[0.50,"x"],"a":1.00e2,"B":1.0}"""));
    }

    [Fact]
    public void A_number_beyond_decimal_keeps_its_text()
    {
        Assert.Equal("""{"n":1e400}""", Canonical("""{"n":1e400}"""));
    }

    private static string Canonical(string json) => Encoding.UTF8.GetString(CanonicalJson.Of(json));
}
