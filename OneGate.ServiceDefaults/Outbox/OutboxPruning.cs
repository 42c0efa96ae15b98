using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace OneGate.ServiceDefaults.Outbox;

/// <summary>
/// Deletes published outbox rows once they were sent longer ago than the retention; never an unpublished row,
/// however old. Driven by the relay leader between its batches, one bounded step at a time, so pruning never holds
/// long locks nor keeps the relay from publishing. A pass walks the table in id order from its oldest row and
/// stops at the first step whose last row was created after the cutoff (ids follow creation order, give or take a
/// transaction's length: <see cref="OutOfOrderMargin"/>), so it reads only the old rows and one step of young ones.
/// </summary>
public sealed class OutboxPruning(OutboxRetentionOptions options, string table, ILogger logger)
{
    private static readonly TimeSpan OutOfOrderMargin = TimeSpan.FromHours(1);

    private long cursor = long.MinValue;
    private long deletedInPass;
    private DateTimeOffset nextPass = DateTimeOffset.MinValue;

    /// <summary>When a pass is due or under way, looks at the next rows after the cursor and deletes the published old ones among them.</summary>
    public async Task StepAsync(DbSet<OutboxMessage> outbox, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        if (now < nextPass)
        {
            return;
        }

        var cutoff = now - options.Retention;
        var from = cursor;
        var page = await outbox.AsNoTracking().Where(m => m.Id > from).OrderBy(m => m.Id).Take(options.PruneBatchSize)
            .Select(m => new { m.Id, m.CreatedAt }).ToListAsync(ct);
        if (page.Count > 0)
        {
            var to = page[^1].Id;
            deletedInPass += await outbox.Where(m => m.Id > from && m.Id <= to && m.SentAt < cutoff).ExecuteDeleteAsync(ct);
        }

        if (page.Count < options.PruneBatchSize || page[^1].CreatedAt >= cutoff + OutOfOrderMargin)
        {
            if (deletedInPass > 0)
            {
                logger.LogInformation("Outbox pruning: {Count} rows of {Table} published before {Cutoff:O} deleted", deletedInPass, table, cutoff);
            }

            cursor = long.MinValue;
            deletedInPass = 0;
            nextPass = now + options.PruneInterval;
            return;
        }

        cursor = page[^1].Id;
    }
}
