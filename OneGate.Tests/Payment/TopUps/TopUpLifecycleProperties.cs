using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CsCheck;
using Npgsql;
using OneGate.Tests.Support;
using Xunit.Abstractions;

namespace OneGate.Tests.Payment.TopUps;

/// <summary>
/// The whole top-up lifecycle as a property, through the running app: random sequences of top-ups against random
/// provider behaviours (the sandbox's scenario amounts), concurrent top-ups near the cap, accounts suspended and
/// reactivated mid-flight, repeated notifications and refunds that fail before they succeed. After the system settles,
/// for every top-up of the sequence's user: what the provider took = what we credited + what the provider refunded,
/// the final status agrees (SUCCESS / FAILED / CANCELLED, none PENDING), no headroom is left held, and the account's
/// row chain holds. CsCheck shrinks a failing sequence to a minimal one.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class TopUpLifecycleProperties(OneGateAppFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const decimal Cap = 20_000_000m;
    private static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(75);

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly HttpClient sandbox = fixture.CreateClient("provider-sandbox");
    private readonly ProviderDesk provider = new(fixture, fixture.CreateClient("payment"));
    private readonly ConcurrentDictionary<string, int> outcomes = new();
    private int sequences;
    private int steps;

    /// <summary>What the provider does with a charge, chosen by its amount (the sandbox's scenario table).</summary>
    public enum Behaviour { Succeed, Decline, TimeoutThenSucceed, PendingThenNotify, PendingSilent, PendingThenFail, NotifyLost, SuccessAfterGiveUp }

    public enum Action { TopUp, ConcurrentTopUps, Suspend, Reactivate, NotifyAgain, FailNextRefunds, Pause }

    public sealed record Step(Action Action, Behaviour Behaviour, bool GoPay, int Count, int Pick)
    {
        public override string ToString() => Action switch
        {
            Action.TopUp => $"TopUp({Behaviour}, {(GoPay ? "GOPAY" : "SHOPEE_PAY")})",
            Action.ConcurrentTopUps => $"{Count}×TopUp({Behaviour}, {(GoPay ? "GOPAY" : "SHOPEE_PAY")}) at once",
            Action.NotifyAgain or Action.FailNextRefunds => $"{Action}(#{Pick}, {Count})",
            _ => Action.ToString(),
        };
    }

    public sealed record Sequence(bool NearTheCap, Step[] Steps)
    {
        public override string ToString() => $"{(NearTheCap ? "near the cap" : "empty account")}: {string.Join(", ", Steps.Select(s => s.ToString()))}";
    }

    private static readonly Gen<Step> StepGen = Gen.Select(
        Gen.Frequency((6, Gen.Const(Action.TopUp)), (2, Gen.Const(Action.ConcurrentTopUps)), (2, Gen.Const(Action.Suspend)), (1, Gen.Const(Action.Reactivate)),
            (1, Gen.Const(Action.NotifyAgain)), (1, Gen.Const(Action.FailNextRefunds)), (1, Gen.Const(Action.Pause))),
        Gen.Enum<Behaviour>(), Gen.Bool, Gen.Int[1, 4], Gen.Int[0, 20],
        (action, behaviour, goPay, count, pick) => new Step(action, behaviour, goPay, count, pick));

    private static readonly Gen<Sequence> SequenceGen = Gen.Select(Gen.Bool, StepGen.Array[1, 8], (near, s) => new Sequence(near, s));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        sandbox.Dispose();
        await provider.DisposeAsync();
    }

    [Fact]
    public async Task Every_rupiah_the_e_wallet_took_is_credited_or_refunded_whatever_happens()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("ONEGATE_PROPERTY_ITERATIONS"), CultureInfo.InvariantCulture, out var n) ? n : 40;

        await SequenceGen.SampleAsync(RunAsync, output.WriteLine, iter: iterations, threads: 8);

        output.WriteLine($"Ran {sequences} sequences with {steps} steps; top-ups ended: " +
                         string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));
    }

    private async Task RunAsync(Sequence sequence)
    {
        Interlocked.Increment(ref sequences);
        Interlocked.Add(ref steps, sequence.Steps.Length);
        var user = sequence.NearTheCap ? await payment.FundedUserAsync(auth, Cap - 30_000m) : await TestUsers.RegisterAndLoginAsync(auth);
        var ids = new List<string>();
        foreach (var step in sequence.Steps)
        {
            await ApplyAsync(user, step, ids);
        }

        // The account stays as the sequence left it: a top-up that settles while it is suspended must be refunded.
        var verdict = await SettledVerdictAsync(user);
        Assert.True(verdict is null, $"{sequence}\n{verdict}");
    }

    private async Task ApplyAsync(TestUser user, Step step, List<string> ids)
    {
        switch (step.Action)
        {
            case Action.TopUp:
                ids.AddRange(await TopUpAsync(user, step, 1));
                break;
            case Action.ConcurrentTopUps:
                ids.AddRange(await TopUpAsync(user, step, step.Count + 1));
                break;
            case Action.Suspend:
                await provider.ExecuteAsync("UPDATE accounts SET status = 'SUSPENDED' WHERE user_id = $1", user.Id);
                break;
            case Action.Reactivate:
                await ReactivateAsync(user);
                break;
            case Action.NotifyAgain when ids.Count > 0:
                (await sandbox.PostAsync($"/sandbox/charges/{ids[step.Pick % ids.Count]}/notify", null)).Dispose();
                break;
            case Action.FailNextRefunds when ids.Count > 0:
                (await sandbox.PostAsync($"/sandbox/charges/{ids[step.Pick % ids.Count]}/refund-failures",
                    new StringContent($$"""{"count":{{step.Count}}}""", System.Text.Encoding.UTF8, "application/json"))).Dispose();
                break;
            case Action.Pause:
                await Task.Delay(step.Pick * 100);
                break;
        }
    }

    private Task ReactivateAsync(TestUser user) => provider.ExecuteAsync("UPDATE accounts SET status = 'ACTIVE' WHERE user_id = $1", user.Id);

    /// <summary>Sends the top-ups at once; returns the ids of those recorded (every answer but 422/423 names one).</summary>
    private async Task<IEnumerable<string>> TopUpAsync(TestUser user, Step step, int count)
    {
        var amount = AmountFor(step.Behaviour, step.Pick);
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => payment.TopUpAsync(user, amount, step.GoPay ? "GOPAY" : "SHOPEE_PAY")));
        foreach (var answer in answers)
        {
            Assert.True(answer.Status is HttpStatusCode.Created or HttpStatusCode.Accepted or HttpStatusCode.PaymentRequired or HttpStatusCode.Conflict
                or HttpStatusCode.UnprocessableEntity or HttpStatusCode.Locked or HttpStatusCode.ServiceUnavailable, $"{step}: {(int)answer.Status} {answer.Body}");
        }

        return answers.Where(a => a.Json.ValueKind == JsonValueKind.Object && a.Json.TryGetProperty("transactionId", out var id) && id.ValueKind == JsonValueKind.String)
            .Select(a => a.Json.GetProperty("transactionId").GetString()!);
    }

    private static decimal AmountFor(Behaviour behaviour, int pick) => behaviour switch
    {
        Behaviour.Decline => 13_000m,
        Behaviour.TimeoutThenSucceed => 14_000m,
        Behaviour.PendingThenNotify => 15_000m,
        Behaviour.PendingSilent => 16_000m,
        Behaviour.PendingThenFail => 17_000m,
        Behaviour.NotifyLost => 18_000m,
        Behaviour.SuccessAfterGiveUp => 19_000m,
        _ => 20_000m + (pick * 1_000.50m),
    };

    /// <summary>Polls (bounded) until every invariant holds for the user's top-ups; returns what is still wrong, or null.</summary>
    private async Task<string?> SettledVerdictAsync(TestUser user)
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        var problems = (await TopUpAgreement.SettledDisagreementsAsync(db, sandbox, SettleWithin, user.Id)).ToList();
        var (held, chain) = await AccountAsync(db, user.Id);
        if (held != 0m || chain.Count > 0)
        {
            problems.Add($"headroom still held {held}; chain breaks: {string.Join("; ", chain)}");
        }

        await CountOutcomesAsync(db, user.Id);
        return problems.Count == 0 ? null : string.Join("\n", problems);
    }

    private async Task CountOutcomesAsync(NpgsqlConnection db, int userId)
    {
        await using var command = new NpgsqlCommand("SELECT status::text FROM historical_transactions WHERE user_id = $1 AND type = 'TOPUP'", db)
        {
            Parameters = { new() { Value = userId } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            outcomes.AddOrUpdate(reader.GetString(0), 1, (_, c) => c + 1);
        }
    }

    private static async Task<(decimal Held, IReadOnlyList<string> Breaks)> AccountAsync(NpgsqlConnection db, int userId)
    {
        await using var command = new NpgsqlCommand("SELECT id, pending_top_ups FROM accounts WHERE user_id = $1", db) { Parameters = { new() { Value = userId } } };
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return (0m, []);
        }

        var (account, held) = (reader.GetGuid(0), reader.GetDecimal(1));
        await reader.CloseAsync();
        return (held, (await LedgerChecks.ChainsAsync(db, [account])).Breaks);
    }
}
