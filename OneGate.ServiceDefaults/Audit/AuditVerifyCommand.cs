using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace OneGate.ServiceDefaults.Audit;

/// <summary>
/// <c>audit verify</c> of a service's binary: walks its <c>audit_events</c> in id order, recomputing every row's hash
/// from the previous one (<see cref="AuditChain"/>), and names the first row that does not fit: a changed row, a row
/// whose predecessor was changed or removed, or a gap in the ids. Prints the head (last id and hash) when the chain is
/// intact: kept somewhere else, it shows later whether rows were cut off the end, which no chain can show by itself.
/// Exit codes: 0 intact, 1 failed to run, 2 usage error, 3 broken.
/// </summary>
public static class AuditVerifyCommand
{
    public const string Usage = """
        Usage:
          audit verify
        Connection: ConnectionStrings__onegate="Host=...;Port=...;Username=...;Password=...;Database=onegate"
        """;

    public const int Broken = 3;

    /// <param name="open">Opens the service's context on a connection string.</param>
    public static async Task<int> RunAsync<TContext>(string[] args, IConfiguration configuration, TextWriter output, TextWriter error,
        Func<string, TContext> open) where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(open);
        var connectionString = configuration.GetConnectionString("onegate");
        if (args is not ["audit", "verify"] || string.IsNullOrWhiteSpace(connectionString))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            await using var db = open(connectionString);
            return await VerifyAsync(db, output, error);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"Failed: {ex.GetBaseException().Message}");
            return 1;
        }
    }

    private static async Task<int> VerifyAsync(DbContext db, TextWriter output, TextWriter error)
    {
        var result = await AuditVerification.RunAsync(db, CancellationToken.None);
        if (result.BrokenAt is { } broken)
        {
            await error.WriteLineAsync(Invariant($"Broken at event {broken}: {result.Problem}"));
            return Broken;
        }

        await output.WriteLineAsync(Invariant($"Audit chain intact: {result.Events} event(s); head {result.Events} {result.HeadHash}"));
        return 0;
    }

    /// <summary>What a command run of a service's binary reads: appsettings.json and the environment.</summary>
    public static IConfiguration CommandConfiguration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
