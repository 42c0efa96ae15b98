using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OneGate.Transaction.Audit;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Keys;

/// <summary>
/// <c>OneGate.Transaction keys create|list|revoke|rotate</c>: regulator key management against the database in
/// <c>ConnectionStrings:onegate</c> (environment <c>ConnectionStrings__onegate</c>). Exit codes: 0 done, 1 failed
/// (unknown key or service, database error), 2 usage error. A new key is printed once and never again.
/// </summary>
public static class KeysCommand
{
    public const string Usage = """
        Usage:
          keys create --service BANK_INDONESIA|OJK --name NAME [--permissions READ_TRANSACTIONS,READ_REPORTS]
                      [--per-minute N] [--per-hour N] [--per-day N] [--expires-in-days N]
          keys list [--service CODE]
          keys revoke <prefix-or-id>
          keys rotate <prefix-or-id> [--grace-hours N]   (default 24; 0 revokes the old key at once)
        Without limits, a key gets its service's seed limits (BANK_INDONESIA 100/min, 1000/h, 10000/day; OJK 200/2000/20000).
        Connection: ConnectionStrings__onegate="Host=...;Port=...;Username=...;Password=...;Database=onegate"
        """;

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>The command's actions in Transaction's audit trail: SYSTEM (no operator token; whoever ran it is the database login's holder).</summary>
    private static readonly AuditActor Actor = AuditActor.System("keys command");

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        try
        {
            var (verb, positional, options) = Parse(args);
            var connectionString = configuration.GetConnectionString("onegate");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new UsageException("ConnectionStrings:onegate is not set.");
            }

            await using var db = TransactionDbContext.ForCommand(connectionString);
            var issuer = new ApiKeyIssuer(db, TimeProvider.System);
            var keys = new KeyLifecycle(db, issuer, TransactionAudit.ForCommand(), TimeProvider.System);
            return verb switch
            {
                "create" => await CreateAsync(issuer, keys, options, output, error),
                "list" => await ListAsync(db, options, output),
                "revoke" => await RevokeAsync(db, keys, Single(positional), output, error),
                "rotate" => await RotateAsync(db, keys, Single(positional), options, output, error),
                _ => throw new UsageException($"Unknown command '{verb}'."),
            };
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync(ex.Message);
            await error.WriteLineAsync(Usage);
            return 2;
        }
        catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"Failed: {ex.GetBaseException().Message}");
            return 1;
        }
    }

    private static async Task<int> CreateAsync(ApiKeyIssuer issuer, KeyLifecycle keys, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        var code = Required(options, "service");
        var name = Required(options, "name");
        if (name.Length > KeyLifecycle.MaxNameLength)
        {
            throw new UsageException($"--name is at most {KeyLifecycle.MaxNameLength} characters.");
        }

        var permissions = options.TryGetValue("permissions", out var p)
            ? p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParsePermission).ToArray()
            : null;
        if (permissions is { Length: 0 })
        {
            throw new UsageException("--permissions needs at least one permission.");
        }

        var (perMinute, perHour, perDay) = (PositiveInt(options, "per-minute"), PositiveInt(options, "per-hour"), PositiveInt(options, "per-day"));
        var limits = new RateLimitsView(perMinute, perHour, perDay);
        var windows = perMinute is null && perHour is null && perDay is null ? null
            : limits.Error() is { } invalid ? throw new UsageException(invalid) : limits.Windows();
        var days = PositiveInt(options, "expires-in-days");
        if (KeyLifecycle.LifetimeError(days) is { } lifetime)
        {
            throw new UsageException("--expires-in-days: " + lifetime);
        }

        DateTimeOffset? expiresAt = days is { } d ? DateTimeOffset.UtcNow.AddDays(d) : null;
        CheckKnown(options, "service", "name", "permissions", "per-minute", "per-hour", "per-day", "expires-in-days");

        var service = await issuer.ServiceAsync(code, CancellationToken.None);
        if (service is null)
        {
            await error.WriteLineAsync($"No external service with code '{code}'.");
            return 1;
        }

        var issued = await keys.IssueAsync(service.Id, name, permissions, windows, expiresAt, Actor, reason: null, CancellationToken.None);
        if (issued.Refusal != KeyRefusal.None)
        {
            await error.WriteLineAsync($"Service {code}: {issued.Refusal}.");
            return 1;
        }

        await PrintIssuedAsync(issued, service.Code, output);
        return 0;
    }

    private static async Task<int> ListAsync(TransactionDbContext db, Dictionary<string, string> options, TextWriter output)
    {
        CheckKnown(options, "service");
        var query = db.ApiKeys.AsNoTracking().Include(k => k.ExternalService).AsQueryable();
        if (options.TryGetValue("service", out var code))
        {
            query = query.Where(k => k.ExternalService!.Code == code);
        }

        var keys = await query.OrderBy(k => k.ExternalService!.Code).ThenBy(k => k.CreatedAt).ToListAsync();
        await output.WriteLineAsync("ID                                    PREFIX    SERVICE         NAME                  PERMISSIONS                     LIMITS (min/h/day)   EXPIRES                REVOKED                LAST USED");
        foreach (var k in keys)
        {
            await output.WriteLineAsync(string.Join("  ",
                k.Id.ToString(), k.KeyPrefix.PadRight(8), k.ExternalService!.Code.PadRight(14), Shorten(k.Name, 20).PadRight(20),
                string.Join(',', k.Permissions.Select(PermissionName)).PadRight(30), Limits(k).PadRight(19),
                Stamp(k.ExpiresAt).PadRight(21), Stamp(k.RevokedAt).PadRight(21), Stamp(k.LastUsedAt)));
        }

        await output.WriteLineAsync($"{keys.Count} key(s)");
        return 0;
    }

    private static async Task<int> RevokeAsync(TransactionDbContext db, KeyLifecycle keys, string reference, TextWriter output, TextWriter error)
    {
        var key = await FindAsync(db, reference, error);
        if (key is null)
        {
            return 1;
        }

        var revoked = await keys.RevokeAsync(key.Id, Actor, reason: null, CancellationToken.None);
        if (revoked.Refusal != KeyRefusal.None)
        {
            await error.WriteLineAsync($"Key {key.KeyPrefix}: {revoked.Refusal}.");
            return 1;
        }

        await output.WriteLineAsync($"Revoked {key.KeyPrefix} ({key.Id}); it is refused from the next request on.");
        return 0;
    }

    private static async Task<int> RotateAsync(TransactionDbContext db, KeyLifecycle keys, string reference, Dictionary<string, string> options,
        TextWriter output, TextWriter error)
    {
        var hours = options.TryGetValue("grace-hours", out var g)
            ? int.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h <= 24 * 30 ? h : throw new UsageException("--grace-hours must be 0 to 720.")
            : 24;
        CheckKnown(options, "grace-hours");
        var old = await FindAsync(db, reference, error);
        if (old is null)
        {
            return 1;
        }

        var rotated = await keys.RotateAsync(old.Id, TimeSpan.FromHours(hours), Actor, reason: null, CancellationToken.None);
        if (rotated.Refusal != KeyRefusal.None)
        {
            await error.WriteLineAsync(rotated.Refusal == KeyRefusal.KeyAlreadyRotated
                ? $"Key {old.KeyPrefix} was rotated already; rotate its successor."
                : $"Key {old.KeyPrefix} is revoked or expired; create a new key instead.");
            return 1;
        }

        await PrintIssuedAsync(rotated, (await db.ExternalServices.SingleAsync(s => s.Id == old.ExternalServiceId)).Code, output);
        await output.WriteLineAsync(hours == 0
            ? $"Old key {old.KeyPrefix} revoked."
            : $"Old key {old.KeyPrefix} stays valid until {Stamp(rotated.Previous!.ExpiresAt)} (grace {hours} h).");
        return 0;
    }

    private static async Task PrintIssuedAsync(KeyActionResult issued, string serviceCode, TextWriter output)
    {
        var k = issued.Key!;
        await output.WriteLineAsync($"Created key {k.KeyPrefix} ({k.Id}) for {serviceCode}, name '{k.Name}'");
        await output.WriteLineAsync($"  permissions: {string.Join(',', k.Permissions.Select(PermissionName))}; limits (min/h/day): {Limits(k)}; expires: {Stamp(k.ExpiresAt)}");
        await output.WriteLineAsync("  The key is shown only now; store it safely:");
        await output.WriteLineAsync(issued.Secret);
    }

    private static async Task<ApiKey?> FindAsync(TransactionDbContext db, string reference, TextWriter error)
    {
        var matches = Guid.TryParse(reference, out var id)
            ? await db.ApiKeys.AsNoTracking().Where(k => k.Id == id).ToListAsync()
            : await db.ApiKeys.AsNoTracking().Where(k => k.KeyPrefix == ApiKeySecret.Prefix(reference)).ToListAsync();
        switch (matches.Count)
        {
            case 1:
                return matches[0];
            case 0:
                await error.WriteLineAsync($"No key with id or prefix '{reference}'.");
                return null;
            default:
                await error.WriteLineAsync($"Prefix '{reference}' matches {matches.Count} keys; use the id: {string.Join(", ", matches.Select(m => m.Id))}");
                return null;
        }
    }

    private static (string Verb, List<string> Positional, Dictionary<string, string> Options) Parse(string[] args)
    {
        if (args.Length < 2)
        {
            throw new UsageException("Missing command.");
        }

        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 2; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"{args[i]} needs a value.");
                }

                options[args[i][2..]] = args[++i];
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        return (args[1], positional, options);
    }

    private static string Single(List<string> positional) =>
        positional.Count == 1 ? positional[0] : throw new UsageException("Give exactly one key prefix or id.");

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : throw new UsageException($"--{name} is required.");

    private static int? PositiveInt(Dictionary<string, string> options, string name) =>
        !options.TryGetValue(name, out var value) ? null
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new UsageException($"--{name} must be a positive integer.");

    private static void CheckKnown(Dictionary<string, string> options, params string[] known)
    {
        var unknown = options.Keys.Except(known, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }

    private static ApiPermission ParsePermission(string value) => value switch
    {
        "READ_TRANSACTIONS" => ApiPermission.ReadTransactions,
        "READ_REPORTS" => ApiPermission.ReadReports,
        _ => throw new UsageException($"Unknown permission '{value}' (READ_TRANSACTIONS, READ_REPORTS)."),
    };

    private static string PermissionName(ApiPermission permission) =>
        permission == ApiPermission.ReadTransactions ? "READ_TRANSACTIONS" : "READ_REPORTS";

    private static string Limits(ApiKey key)
    {
        string Of(RateLimitUnit unit) => key.RateLimits.FirstOrDefault(w => w.Unit == unit)?.Limit.ToString(CultureInfo.InvariantCulture) ?? "-";
        return $"{Of(RateLimitUnit.Minute)}/{Of(RateLimitUnit.Hour)}/{Of(RateLimitUnit.Day)}";
    }

    private static string Stamp(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    private static string Shorten(string value, int length) => value.Length <= length ? value : value[..(length - 1)] + "…";
}
