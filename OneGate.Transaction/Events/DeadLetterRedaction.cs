using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.ServiceDefaults.Kafka;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Events;

/// <summary>
/// Takes the username and phone out of dead-lettered user events once they serve nothing: as soon as this service
/// has applied a state of the same user at the dead letter's version or later (user events are full snapshots, so a
/// replay would change nothing), and, whatever happened, once the dead letter is older than
/// <see cref="DeadLetterOptions.PersonalDataRetention"/>. What stays (<see cref="RedactedUserEvent"/>) still says
/// which event of which user failed, where, when and why. Every replica runs it: an update applies only to the
/// payload it read, so two replicas redact a dead letter once.
/// </summary>
public sealed class DeadLetterRedaction(IServiceScopeFactory scopes, IOptions<DeadLetterOptions> options, ILogger<DeadLetterRedaction> logger)
    : BackgroundService
{
    private const int PageSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // off the start-up path (the first query builds the model)
        using var timer = new PeriodicTimer(options.Value.RedactionInterval);
        do
        {
            try
            {
                await RedactAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Dead-letter redaction failed; retried at the next interval: {Reason}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RedactAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TransactionDbContext>();
        var redacted = 0;
        var after = 0L;
        while (true)
        {
            var page = await db.DeadLetterEvents.AsNoTracking()
                .Where(d => d.Topic == KafkaTopics.Users && d.Payload != null && d.Id > after).OrderBy(d => d.Id).Take(PageSize)
                .Select(d => new Letter(d.Id, d.Payload!, d.CreatedAt)).ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }

            after = page[^1].Id;
            var open = page.Where(d => !RedactedUserEvent.IsRedacted(d.Payload)).ToList();
            var users = open.Select(d => RedactedUserEvent.UserVersion(d.Payload)?.UserId).OfType<int>().Distinct().ToList();
            var applied = await db.MaskedUsers.AsNoTracking().Where(u => users.Contains(u.UserId)).ToDictionaryAsync(u => u.UserId, u => u.Version, ct);
            var now = DateTimeOffset.UtcNow;
            foreach (var letter in open)
            {
                if (Reason(letter, applied, now) is { } reason)
                {
                    var payload = RedactedUserEvent.Redact(letter.Payload, reason, now);
                    redacted += await db.DeadLetterEvents.Where(d => d.Id == letter.Id && d.Payload == letter.Payload)
                        .ExecuteUpdateAsync(s => s.SetProperty(d => d.Payload, payload), ct);
                }
            }
        }

        if (redacted > 0)
        {
            logger.LogInformation("Personal data removed from {Count} dead-lettered user event(s)", redacted);
        }
    }

    /// <summary>Why the letter's personal data may go now, or null while it may still be needed for a replay.</summary>
    private string? Reason(Letter letter, Dictionary<int, int> applied, DateTimeOffset now)
    {
        if (RedactedUserEvent.UserVersion(letter.Payload) is var (userId, version) && applied.TryGetValue(userId, out var current) && current >= version)
        {
            return $"superseded: version {current} of the user was applied";
        }

        return letter.CreatedAt < now - options.Value.PersonalDataRetention ? "past the personal-data retention" : null;
    }

    private sealed record Letter(long Id, string Payload, DateTimeOffset CreatedAt);
}
