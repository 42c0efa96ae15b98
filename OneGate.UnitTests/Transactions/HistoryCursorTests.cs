using System.Text;
using Microsoft.IdentityModel.Tokens;
using OneGate.Transaction.History;

namespace OneGate.UnitTests.Transactions;

/// <summary>The history's opaque page cursor: what it encodes comes back exactly; anything else is refused.</summary>
public sealed class HistoryCursorTests
{
    [Fact]
    public void An_encoded_cursor_decodes_to_the_same_instant_and_id()
    {
        var cursor = new HistoryCursor(new DateTimeOffset(2026, 12, 6, 18, 30, 15, 123, TimeSpan.Zero).AddTicks(4567), 9_007_199_254_740_993);

        Assert.True(HistoryCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
    }

    [Fact]
    public void A_cursor_is_url_safe()
    {
        var text = new HistoryCursor(DateTimeOffset.UnixEpoch.AddTicks(1), long.MaxValue).Encode();

        Assert.DoesNotContain(text, c => c is '+' or '/' or '=');
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 !")]
    public void A_missing_or_malformed_cursor_is_refused(string? text)
    {
        Assert.False(HistoryCursor.TryDecode(text, out var cursor));
        Assert.Equal(default, cursor);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("0.5")]
    [InlineData("-1.5")]
    [InlineData("1.-5")]
    [InlineData("+1.5")]
    [InlineData("1.5 ")]
    [InlineData("3155378975999999999.5")]
    [InlineData("99999999999999999999.5")]
    [InlineData("abc.5")]
    public void Well_formed_base64_of_anything_but_ticks_and_an_id_is_refused(string content)
    {
        Assert.False(HistoryCursor.TryDecode(Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(content)), out var cursor));
        Assert.Equal(default, cursor);
    }

    [Fact]
    public void An_oversized_cursor_is_refused_unread()
    {
        Assert.False(HistoryCursor.TryDecode(new string('A', 101), out _));
    }
}
