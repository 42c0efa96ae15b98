using OneGate.ServiceDefaults.Audit;

namespace OneGate.UnitTests.Audit;

/// <summary>The audit CSV's formula guard: no value a spreadsheet would run, and every value recoverable for re-verification.</summary>
public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("=1+1")]
    [InlineData("+1")]
    [InlineData("-1")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tx")]
    [InlineData("'=1+1")]
    [InlineData("'")]
    [InlineData("''x")]
    [InlineData("plain")]
    [InlineData("")]
    public void A_guarded_value_starts_with_no_formula_character_and_strips_back_to_the_stored_one(string stored)
    {
        var field = AuditCsv.Field(stored);

        Assert.DoesNotMatch("^[=+\\-@\t\r]", field);
        Assert.Equal(stored, StripGuard(field));
    }

    [Fact]
    public void A_stored_quote_formula_and_a_guarded_formula_export_differently()
    {
        Assert.NotEqual(AuditCsv.Field("'=1+1"), AuditCsv.Field("=1+1"));
    }

    [Fact]
    public void A_value_with_a_comma_quote_or_line_break_is_quoted_after_the_guard()
    {
        Assert.Equal("\"'=a,\"\"b\"\"\"", AuditCsv.Field("=a,\"b\""));
    }

    /// <summary>What a re-verifier does (docs/backoffice.md): strip exactly one leading quote.</summary>
    private static string StripGuard(string field) => field.StartsWith('\'') ? field[1..] : field;
}
