using OneGate.Auth.Users;

namespace OneGate.UnitTests.Auth;

/// <summary>Indonesian mobile numbers as people type them, stored in one form.</summary>
public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("081234567890", "+6281234567890")]
    [InlineData("6281234567890", "+6281234567890")]
    [InlineData("+6281234567890", "+6281234567890")]
    [InlineData(" 0812-3456-7890 ", "+6281234567890")]
    [InlineData("+62 812.3456.7890", "+6281234567890")]
    [InlineData("0812345678", "+62812345678")]
    [InlineData("0812345678901", "+62812345678901")]
    public void Each_accepted_form_is_stored_as_plus_62(string typed, string stored)
    {
        Assert.Equal(stored, PhoneNumber.Normalise(typed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("02112345678")]
    [InlineData("+6221123456789")]
    [InlineData("+14155550123")]
    [InlineData("08123456")]
    [InlineData("08123456789012")]
    [InlineData("0812(3456)7890")]
    [InlineData("0812345678９0")]
    [InlineData("++6281234567890")]
    public void Anything_else_is_not_a_phone_number(string? typed)
    {
        Assert.Null(PhoneNumber.Normalise(typed));
    }
}
