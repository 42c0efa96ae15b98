using OneGate.Payment.Admin;
using OneGate.Payment.Data;
using OneGate.Payment.Ledger;

namespace OneGate.UnitTests.Payment;

/// <summary>Which status an operator's action leads to: ACTIVE ⇄ SUSPENDED, CLOSED only at 0.00 and final.</summary>
public sealed class AccountStatusRulesTests
{
    [Theory]
    [InlineData(AccountStatus.Active, AccountStatusAction.Suspend, AccountStatus.Suspended)]
    [InlineData(AccountStatus.Suspended, AccountStatusAction.Reactivate, AccountStatus.Active)]
    [InlineData(AccountStatus.Active, AccountStatusAction.Close, AccountStatus.Closed)]
    [InlineData(AccountStatus.Suspended, AccountStatusAction.Close, AccountStatus.Closed)]
    public void Allowed_transitions_lead_to_their_status(AccountStatus current, AccountStatusAction action, AccountStatus expected)
    {
        Assert.Equal((expected, null), AccountStatusRules.Decide(current, 0m, action));
    }

    [Theory]
    [InlineData(AccountStatusAction.Suspend)]
    [InlineData(AccountStatusAction.Reactivate)]
    [InlineData(AccountStatusAction.Close)]
    public void A_closed_account_never_changes_again(AccountStatusAction action)
    {
        Assert.Equal((null, StatusRefusal.AccountClosed), AccountStatusRules.Decide(AccountStatus.Closed, 0m, action));
    }

    [Theory]
    [InlineData(AccountStatus.Active, AccountStatusAction.Reactivate)]
    [InlineData(AccountStatus.Suspended, AccountStatusAction.Suspend)]
    public void An_action_to_the_status_the_account_has_is_refused(AccountStatus current, AccountStatusAction action)
    {
        Assert.Equal((null, StatusRefusal.AccountStatusUnchanged), AccountStatusRules.Decide(current, 10m, action));
    }

    [Theory]
    [InlineData(AccountStatus.Active, 0.01)]
    [InlineData(AccountStatus.Suspended, 0.01)]
    [InlineData(AccountStatus.Active, 10_000_000)]
    public void Close_with_money_in_the_account_is_refused(AccountStatus current, decimal balance)
    {
        Assert.Equal((null, StatusRefusal.BalanceNotZero), AccountStatusRules.Decide(current, balance, AccountStatusAction.Close));
    }

    [Fact]
    public void Suspend_and_reactivate_do_not_care_about_the_balance()
    {
        Assert.Equal((AccountStatus.Suspended, null), AccountStatusRules.Decide(AccountStatus.Active, 123.45m, AccountStatusAction.Suspend));
        Assert.Equal((AccountStatus.Active, null), AccountStatusRules.Decide(AccountStatus.Suspended, 123.45m, AccountStatusAction.Reactivate));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_or_blank_reason_is_refused(string? reason)
    {
        var (text, errors) = ActionReason.Check(reason, "reason");
        Assert.Null(text);
        Assert.Equal(["reason"], errors!.Keys);
    }

    [Fact]
    public void A_reason_is_trimmed_and_at_most_1000_characters()
    {
        Assert.Equal("fraud report", ActionReason.Check("  fraud report ", "reason").Text);
        Assert.NotNull(ActionReason.Check(new string('x', 1000), "reason").Text);
        Assert.NotNull(ActionReason.Check(new string('x', 1001), "reason").Errors);
    }
}
