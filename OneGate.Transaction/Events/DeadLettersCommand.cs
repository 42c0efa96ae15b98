using System.Globalization;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Kafka;
using OneGate.Transaction.Audit;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Events;

/// <summary>
/// <c>OneGate.Transaction dead-letters list|replay</c>: what the event consumer set aside, and putting it back.
/// Replay produces the message again, with its key, to its topic (its partition again, so its account's order
/// holds for what follows), then removes the dead letter (<see cref="DeadLetterReplay"/>, shared with the back office): the consumer applies it like any event, its inbox
/// skipping one applied already, and a message that fails again comes back as a new dead letter with its new
/// error. A crash between the two steps only replays it twice, which the inbox absorbs. A user event whose personal
/// data was redacted (<see cref="DeadLetterRedaction"/>) is removed without being sent. Exit codes: 0 done,
/// 1 failed, 2 usage error.
/// </summary>
public static class DeadLettersCommand
{
    public const string Usage = """
        Usage:
          dead-letters list
          dead-letters replay <id>|--all
        Connection: ConnectionStrings__onegate="Host=...;Port=...;Username=...;Password=...;Database=onegate"
                    ConnectionStrings__kafka="host:port" (replay)
        """;

    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The command's replays in Transaction's audit trail: SYSTEM (no operator token).</summary>
    private static readonly AuditActor Actor = AuditActor.System("dead-letters command");

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        var connectionString = configuration.GetConnectionString("onegate");
        if (args is not ["dead-letters", "list"] and not ["dead-letters", "replay", _] || string.IsNullOrWhiteSpace(connectionString))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            await using var db = TransactionDbContext.ForCommand(connectionString);
            return args[1] == "list"
                ? await ListAsync(db, output)
                : await ReplayAsync(db, args[2], configuration.GetConnectionString("kafka"), output, error);
        }
        catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException or KafkaException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"Failed: {ex.GetBaseException().Message}");
            return 1;
        }
    }

    private static async Task<int> ListAsync(TransactionDbContext db, TextWriter output)
    {
        var letters = await db.DeadLetterEvents.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
        await output.WriteLineAsync("ID        CREATED (UTC)         TOPIC@PARTITION:OFFSET              KEY                                   ERROR");
        foreach (var d in letters)
        {
            await output.WriteLineAsync(string.Join("  ", d.Id.ToString(CultureInfo.InvariantCulture).PadRight(8),
                d.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture).PadRight(20),
                $"{d.Topic}@{d.Partition}:{d.Offset}".PadRight(34), (d.MessageKey ?? "-").PadRight(36), d.Error.ReplaceLineEndings(" ")));
        }

        await output.WriteLineAsync($"{letters.Count} dead letter(s)");
        return 0;
    }

    private static async Task<int> ReplayAsync(TransactionDbContext db, string which, string? bootstrapServers, TextWriter output, TextWriter error)
    {
        if (string.IsNullOrWhiteSpace(bootstrapServers) || (which != "--all" && !long.TryParse(which, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers, EnableIdempotence = true, Acks = Acks.All, MessageTimeoutMs = (int)DeliveryTimeout.TotalMilliseconds,
        }).Build();
        var replay = new DeadLetterReplay(db, producer, TransactionAudit.ForCommand());
        List<ReplayOutcome> letters = [];
        if (which == "--all")
        {
            await replay.ReplayAllAsync(Actor, reason: null, int.MaxValue, letters, CancellationToken.None);
        }
        else if (await replay.ReplayAsync(long.Parse(which, CultureInfo.InvariantCulture), Actor, reason: null, CancellationToken.None) is { } one)
        {
            letters = [one];
        }
        else
        {
            await error.WriteLineAsync($"No dead letter {which}.");
            return 1;
        }

        foreach (var letter in letters)
        {
            await output.WriteLineAsync(letter.Outcome == ReplayOutcome.Dropped
                ? $"dropped {letter.Id}: personal data redacted, nothing to replay"
                : $"replayed {letter.Id} ({letter.From})");
        }

        await output.WriteLineAsync($"{letters.Count} dead letter(s) replayed");
        return 0;
    }
}
