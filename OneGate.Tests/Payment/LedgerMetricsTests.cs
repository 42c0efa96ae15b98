using System.Net;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Payment;

/// <summary>
/// The OneGate.Payment meter as the running service exports it over OTLP (the fixture points Payment's
/// exporter at <see cref="OtlpMetricsReceiver"/>): committed movements counted once with their amounts,
/// refusals and replays not at all, each answered money request timed once, and the outbox gauges reported by the
/// relaying replica only.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class LedgerMetricsTests(OneGateAppFixture fixture)
{
    private const string Transactions = "onegate.payment.transactions";
    private const string MoneyMoved = "onegate.payment.money_moved";
    private const string Answered = "onegate.payment.posting.request_duration.count";
    private const string OutboxPending = "onegate.payment.outbox.pending";
    private const string OutboxAge = "onegate.payment.outbox.oldest_pending_age";
    private const long RelayLockKey = 0x0_6F75_7462_6F78; // OutboxRelay's advisory lock

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payment = new(fixture.CreateClient("payment"));
    private readonly OtlpMetricsReceiver telemetry = fixture.PaymentTelemetry;

    [Fact]
    public async Task Committed_movements_are_counted_once_with_the_IDR_moved_and_refusals_and_replays_not_at_all()
    {
        var sender = await payment.FundedUserAsync(auth, 500_000m);
        var recipient = await TestUsers.RegisterAndLoginAsync(auth);
        await telemetry.FreshExportAsync();
        var before = Snapshot();

        var paid = await payment.PayAsync(sender, 50_000m);
        var refused = await payment.PayAsync(sender, 10_000_000m);
        var refund = await payment.PostAsync(sender, "/api/payments/refund",
            new { transactionId = paid.Json.GetProperty("transactionId").GetString(), amount = 20_000m });
        var key = Guid.NewGuid().ToString();
        var transfer = await payment.TransferAsync(sender, recipient, 30_000m, key);
        var replay = await payment.TransferAsync(sender, recipient, 30_000m, key);
        var topUp = await payment.TopUpAsync(recipient, 200_000m, "SHOPEE_PAY");
        var declined = await payment.TopUpAsync(recipient, 13_000m, "GOPAY"); // the sandbox declines this amount

        Assert.Equal(new[] { HttpStatusCode.Created, HttpStatusCode.UnprocessableEntity, HttpStatusCode.Created, HttpStatusCode.Created,
            HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.PaymentRequired },
            new[] { paid, refused, refund, transfer, replay, topUp, declined }.Select(r => r.Status));
        await telemetry.FreshExportAsync();
        var after = Snapshot();

        // Nothing else pays, refunds or transfers meanwhile (the collection runs one test at a time): exact.
        Assert.Equal(1, after.Payments - before.Payments);
        Assert.Equal(1, after.Refunds - before.Refunds);
        Assert.Equal(1, after.Transfers - before.Transfers); // two ledger rows and a replay, one transfer
        Assert.Equal(50_000, after.Paid - before.Paid, 2);
        Assert.Equal(20_000, after.Refunded - before.Refunded, 2);
        Assert.Equal(30_000, after.Transferred - before.Transferred, 2);
        // The ledger's answers timed: the payment, the refused payment (a stored answer too), the refund and the transfer; not
        // the replay (answered from its stored key) nor the top-ups (not money requests).
        Assert.Equal(4, after.Answered - before.Answered);

        // Reconciliation may settle an earlier test's pending top-up meanwhile: at least ours.
        Assert.True(after.ShopeePayTopUps - before.ShopeePayTopUps >= 1, $"SHOPEE_PAY top-ups {before.ShopeePayTopUps} -> {after.ShopeePayTopUps}");
        Assert.True(after.ToppedUp - before.ToppedUp >= 200_000, $"IDR topped up {before.ToppedUp} -> {after.ToppedUp}");
        Assert.True(after.GoPayDeclines - before.GoPayDeclines >= 1, $"GOPAY declines {before.GoPayDeclines} -> {after.GoPayDeclines}");
    }

    [Fact]
    public async Task Outbox_gauges_come_only_from_the_relaying_replica_and_read_zero_when_drained()
    {
        var user = await payment.FundedUserAsync(auth, 100_000m);
        await DrainedAsync(); // this replica relays: the gauges are reported

        // Take the relay lock from the service: kill the relay's session and hold the lock here.
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await TakeRelayLockAsync(db);
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await payment.PayAsync(user, 1_000m)).Status); // an event nobody relays now
            await Task.Delay(TimeSpan.FromSeconds(6)); // the relay retries the lock every 5 s
            var since = await telemetry.FreshExportAsync();

            Assert.Null(telemetry.Value(OutboxPending, since)); // not a misleading 0
            Assert.Null(telemetry.Value(OutboxAge, since));
            Assert.NotNull(telemetry.Value(Transactions, since)); // the service still exports everything else
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({RelayLockKey})", db);
            await unlock.ExecuteScalarAsync();
        }

        await DrainedAsync(); // the relay leads again, publishes the waiting event and reports an empty outbox
    }

    /// <summary>Waits (bounded) until an export says the outbox is empty: 0 events pending, age 0.</summary>
    private async Task DrainedAsync()
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var since = await telemetry.FreshExportAsync();
            var (pending, age) = (telemetry.Value(OutboxPending, since), telemetry.Value(OutboxAge, since));
            if (pending == 0 && age == 0)
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"outbox gauges: pending {pending}, age {age}");
        }
    }

    private static async Task TakeRelayLockAsync(NpgsqlConnection db)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await using (var kill = new NpgsqlCommand(
                $"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND ((classid::bigint << 32) | objid::bigint) = {RelayLockKey} AND granted AND pid <> pg_backend_pid()", db))
            {
                await kill.ExecuteNonQueryAsync();
            }

            await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({RelayLockKey})", db);
            if ((bool)(await take.ExecuteScalarAsync())!)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("could not take the outbox relay lock from the service");
    }

    private Counts Snapshot()
    {
        double Count(params (string, string)[] having) => telemetry.Value(Transactions, DateTimeOffset.MinValue, having) ?? 0;
        double Moved(string type) => telemetry.Value(MoneyMoved, DateTimeOffset.MinValue, ("type", type)) ?? 0;
        return new Counts(
            Count(("type", "PAYMENT"), ("status", "SUCCESS")),
            Count(("type", "REFUND"), ("status", "SUCCESS")),
            Count(("type", "TRANSFER"), ("status", "SUCCESS")),
            Count(("type", "TOPUP"), ("status", "SUCCESS"), ("payment_method", "SHOPEE_PAY")),
            Count(("type", "TOPUP"), ("status", "FAILED"), ("payment_method", "GOPAY")),
            Moved("PAYMENT"), Moved("REFUND"), Moved("TRANSFER"), Moved("TOPUP"),
            telemetry.Value(Answered, DateTimeOffset.MinValue, ("path", "engine")) ?? 0);
    }

    private sealed record Counts(double Payments, double Refunds, double Transfers, double ShopeePayTopUps, double GoPayDeclines,
        double Paid, double Refunded, double Transferred, double ToppedUp, double Answered);
}
