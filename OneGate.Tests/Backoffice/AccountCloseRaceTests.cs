using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Support;
using Xunit.Abstractions;

namespace OneGate.Tests.Backoffice;

/// <summary>
/// Close against money arriving: transfers are fired at an empty account while an operator closes it. Whatever the
/// interleaving, the account ends either CLOSED at 0.00 with every transfer refused (423), or still ACTIVE (close
/// refused, 409) holding exactly the transfers it accepted. Never closed with money in it.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class AccountCloseRaceTests(OneGateAppFixture fixture, ITestOutputHelper output)
{
    private const int Rounds = 6;
    private const int TransfersPerRound = 8;
    private const decimal Amount = 1_000m;

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient admin = fixture.CreateClient("payment");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Close_racing_incoming_transfers_ends_closed_at_zero_or_open_with_the_money()
    {
        var senders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => payment.FundedUserAsync(auth, Rounds * TransfersPerRound * Amount / 4)));
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var outcomes = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var recipient = await TestUsers.RegisterAndLoginAsync(auth);
            var account = await OpenAccountAsync(operations, recipient);

            var transfers = Enumerable.Range(0, TransfersPerRound).Select(i => payment.TransferAsync(senders[i % senders.Length], recipient, Amount)).ToList();
            // Started a little after the first transfers, so some rounds close first and others credit first.
            var close = Task.Run(async () =>
            {
                await Task.Delay(round * 5);
                return await admin.SendAsync(operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/close", new { reason = "race" }));
            });
            var answers = await Task.WhenAll(transfers);
            using var closed = await close;
            var state = await AccountAsync(operations, account);

            var credited = answers.Count(a => a.Status == HttpStatusCode.Created);
            if (closed.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("CLOSED", state.GetProperty("status").GetString());
                Assert.Equal(0m, state.GetProperty("balance").GetDecimal());
                Assert.All(answers, a => Assert.Equal(HttpStatusCode.Locked, a.Status));
                outcomes.Add("closed");
            }
            else
            {
                await ProblemAssert.IsProblem(closed, HttpStatusCode.Conflict, "BALANCE_NOT_ZERO");
                Assert.Equal("ACTIVE", state.GetProperty("status").GetString());
                Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
                Assert.Equal(credited * Amount, state.GetProperty("balance").GetDecimal());
                outcomes.Add($"open with {credited}");
            }
        }

        output.WriteLine("Rounds: " + string.Join("; ", outcomes));
        Assert.Equal(Rounds, outcomes.Count);
    }

    private async Task<Guid> OpenAccountAsync(TestOperator op, TestUser user)
    {
        Assert.Equal(0m, await payment.BalanceAsync(user));
        using var response = await admin.SendAsync(op.Authorized(HttpMethod.Get, $"/api/admin/users/{user.Id}/account"));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accountId").GetGuid();
    }

    private async Task<JsonElement> AccountAsync(TestOperator op, Guid account)
    {
        using var response = await admin.SendAsync(op.Authorized(HttpMethod.Get, $"/api/admin/accounts/{account}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
