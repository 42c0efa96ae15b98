using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// Meter <c>OneGate.Payment</c>: what the ledger committed, and how far the outbox is behind. Movements are
/// recorded by their callers right after the commit, never inside a transaction that may still roll back;
/// the outbox backlog is what the relay last saw.
/// </summary>
public static class LedgerMetrics
{
    public const string MeterName = "OneGate.Payment";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Transactions = Meter.CreateCounter<long>("onegate.payment.transactions", unit: "{transaction}",
        description: "Committed ledger changes by type, status and (top-ups) payment method: a top-up counts once PENDING and once settled, a transfer once");

    private static readonly Counter<double> MoneyMoved = Meter.CreateCounter<double>("onegate.payment.money_moved", unit: "IDR",
        description: "Amount moved by committed SUCCESS transactions, by type (a transfer once)");

    private static readonly ObservableGauge<double> OutboxOldestAge = Meter.CreateObservableGauge<double>("onegate.payment.outbox.oldest_pending_age",
        ObserveOldestAge, unit: "s", description: "Age of the oldest unpublished outbox event; reported only by the replica that relays");

    private static readonly ObservableGauge<long> OutboxPending = Meter.CreateObservableGauge<long>("onegate.payment.outbox.pending",
        ObservePending, unit: "{event}", description: "Unpublished outbox events; reported only by the replica that relays");

    private static readonly Counter<long> ProviderContradictions = Meter.CreateCounter<long>("onegate.payment.topup_provider_contradictions", unit: "{notice}",
        description: "Provider answers that contradict a final top-up (not applied; an operator must check them)");

    private static readonly Counter<long> OutboxPublishFailures = Meter.CreateCounter<long>("onegate.payment.outbox.publish_failures", unit: "{attempt}",
        description: "Outbox events Kafka did not take (each attempt); the event's account waits for its retry, others go on");

    private static OutboxBacklog? backlog;

    /// <summary>Counts a committed row; call after the commit. A transfer is passed once, as its sender's row.</summary>
    public static void Committed(HistoricalTransaction row)
    {
        var type = Label(row.Type);
        var tags = new TagList { { "type", type }, { "status", Label(row.Status) } };
        if (row.PaymentMethod is { } method)
        {
            tags.Add("payment_method", Label(method));
        }

        Transactions.Add(1, tags);
        if (row.Status == TransactionStatus.Success)
        {
            MoneyMoved.Add((double)row.Amount, new KeyValuePair<string, object?>("type", type));
        }
    }

    public static void ProviderContradiction(PaymentMethod? method) =>
        ProviderContradictions.Add(1, new KeyValuePair<string, object?>("payment_method", method is { } m ? Label(m) : "UNKNOWN"));

    /// <summary>The relay's view of the outbox: the oldest unsent event's creation time (null: none) and the count.</summary>
    public static void OutboxObserved(DateTimeOffset? oldestCreatedAt, long pending) => Volatile.Write(ref backlog, new OutboxBacklog(oldestCreatedAt, pending));

    /// <summary>A relay attempt of one event failed; its account's later events wait for the retry.</summary>
    public static void OutboxPublishFailed() => OutboxPublishFailures.Add(1);

    /// <summary>
    /// This replica does not relay (another holds the lock): report nothing rather than a 0 that would hide
    /// the leader's backlog from max() over replicas.
    /// </summary>
    public static void OutboxNotRelaying() => Volatile.Write(ref backlog, null);

    /// <summary>The age grows between observations, so a stuck relay shows a growing lag without querying.</summary>
    private static IEnumerable<Measurement<double>> ObserveOldestAge() =>
        Volatile.Read(ref backlog) is { } seen
            ? [new(seen.OldestCreatedAt is { } oldest ? Math.Max(0, (DateTimeOffset.UtcNow - oldest).TotalSeconds) : 0)]
            : [];

    private static IEnumerable<Measurement<long>> ObservePending() =>
        Volatile.Read(ref backlog) is { } seen ? [new(seen.Pending)] : [];

    /// <summary>The API's UPPER_SNAKE labels (TOPUP, SHOPEE_PAY).</summary>
    private static string Label<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

    private sealed record OutboxBacklog(DateTimeOffset? OldestCreatedAt, long Pending);
}
