using OneGate.Transaction.Regulators.Pseudonyms;

namespace OneGate.Tests.Regulators;

/// <summary>The contract's masks of usernames and phones for regulators.</summary>
public sealed class PersonalDataMaskTests
{
    [Theory]
    [InlineData("budi", "bu***i")]
    [InlineData("budi_santoso", "bu***o")]
    [InlineData("abcd", "ab***d")]
    [InlineData("a.b2", "a.***2")]
    public void A_username_keeps_its_first_two_and_last_character(string username, string masked)
    {
        Assert.Equal(masked, PersonalDataMask.Username(username));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("ab")]
    [InlineData("a")]
    [InlineData("")]
    [InlineData(null)]
    public void A_username_of_three_characters_or_fewer_or_unknown_is_hidden_whole(string? username)
    {
        Assert.Equal("***", PersonalDataMask.Username(username));
    }

    [Theory]
    [InlineData("+6281234565678", "+62812****5678")]
    [InlineData("+628123456789", "+62812***6789")]
    [InlineData("+62812345678901", "+62812*****8901")]
    [InlineData("+6281234567", "+62812*4567")]
    [InlineData("6281234565678", "+62812****5678")]
    public void A_phone_keeps_five_digits_after_the_plus_and_the_last_four(string phone, string masked)
    {
        Assert.Equal(masked, PersonalDataMask.Phone(phone));
    }

    [Theory]
    [InlineData("+628123456")]
    [InlineData("+62")]
    [InlineData("")]
    [InlineData(null)]
    public void A_phone_too_short_to_hide_a_digit_or_unknown_is_hidden_whole(string? phone)
    {
        Assert.Equal("+***", PersonalDataMask.Phone(phone));
    }
}
