using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>
/// Development only (<c>Regulators:DevelopmentSeed:Enabled</c>, set by the AppHost in run mode): makes sure
/// BANK_INDONESIA and OJK exist and that the AppHost's development keys (parameters <c>regulator-bi-api-key</c>
/// and <c>regulator-ojk-api-key</c>, visible in the dashboard) are valid keys with the seed's limits and both
/// permissions. Only hashes and prefixes are stored; a key is never logged. Idempotent: a key already present
/// is brought back to the seed's settings; a changed configured key revokes the previous seed key and adds the
/// new one. Runs during start-up after the migrations (hosted services start in order), retrying while the
/// database is not ready, and under an advisory lock so replicas seed one at a time.
/// </summary>
public sealed class DevelopmentKeySeed(IServiceScopeFactory scopes, IOptions<RegulatorOptions> options, ILogger<DevelopmentKeySeed> logger) : IHostedService
{
    public const string KeyName = "Development seed";
    private const long SeedLockKey = 0x0_6F67_7265_6773; // "ogregs"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seed = options.Value.DevelopmentSeed;
        if (!seed.Enabled)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SeedAsync(seed, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 15)
            {
                logger.LogWarning("Regulator development seed failed (attempt {Attempt}), retrying: {Reason}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedAsync(DevelopmentSeedOptions seed, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TransactionDbContext>();
        var issuer = scope.ServiceProvider.GetRequiredService<ApiKeyIssuer>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", cancellationToken);
        foreach (var (code, secret) in new[] { (RegulatorServices.BankIndonesia, seed.BankIndonesiaKey), (RegulatorServices.Ojk, seed.OjkKey) })
        {
            if (string.IsNullOrWhiteSpace(secret))
            {
                logger.LogWarning("Regulator development seed: no key configured for {Service}", code);
                continue;
            }

            var service = (await issuer.ServiceAsync(code, cancellationToken))!;
            var windows = RateLimitDefaults.For(code);
            var hash = ApiKeySecret.Hash(secret);
            var now = clock.GetUtcNow();
            var seeded = await db.ApiKeys.Where(k => k.ExternalServiceId == service.Id && k.Name == KeyName && k.RevokedAt == null).ToListAsync(cancellationToken);
            foreach (var stale in seeded.Where(k => k.KeyHash != hash))
            {
                issuer.Revoke(stale, now);
            }

            var key = seeded.SingleOrDefault(k => k.KeyHash == hash)
                ?? await db.ApiKeys.SingleOrDefaultAsync(k => k.KeyHash == hash, cancellationToken);
            if (key is null)
            {
                key = issuer.New(service.Id, KeyName, secret, [ApiPermission.ReadTransactions, ApiPermission.ReadReports], windows, expiresAt: null);
                db.ApiKeys.Add(key);
            }
            else if (key.RevokedAt is not null || !key.IsActive || await db.ApiKeys.AnyAsync(k => k.RotatedFromId == key.Id, cancellationToken))
            {
                // An operator revoked or rotated it (audited): a start-up must not undo that silently.
                logger.LogWarning("Regulator development key for {Service} (prefix {Prefix}) was revoked or rotated: left as it is", code, key.KeyPrefix);
                await db.SaveChangesAsync(cancellationToken);
                continue;
            }

            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Regulator development key for {Service} ready: prefix {Prefix} (the key is the AppHost parameter, shown in the dashboard)",
                code, key.KeyPrefix);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
