using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Data;

namespace OneGate.Auth.Audit;

/// <summary>
/// <c>OneGate.Auth audit verify</c>: walks <c>audit_events</c> in id order, recomputing every row's hash from the
/// previous one (<see cref="AuditChain"/>), and names the first row that does not fit: a changed row, a row whose
/// predecessor was changed or removed, or a gap in the ids. Prints the head (last id and hash) when the chain is
/// intact: kept somewhere else, it shows later whether rows were cut off the end, which no chain can show by itself.
/// Exit codes: 0 intact, 1 failed to run, 2 usage error, 3 broken.
/// </summary>
public static class AuditCommand
{
    public const string Usage = """
        Usage:
          audit verify
        Connection: ConnectionStrings__onegate="Host=...;Port=...;Username=...;Password=...;Database=onegate"
        """;

    public const int Broken = 3;

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var connectionString = configuration.GetConnectionString("onegate");
        if (args is not ["audit", "verify"] || string.IsNullOrWhiteSpace(connectionString))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var options = new DbContextOptionsBuilder<AuthDbContext>().UseNpgsql(connectionString, AuthDbContext.ConfigureNpgsql).Options;
            await using var db = new AuthDbContext(options);
            return await VerifyAsync(db, output, error);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"Failed: {ex.GetBaseException().Message}");
            return 1;
        }
    }

    private static async Task<int> VerifyAsync(AuthDbContext db, TextWriter output, TextWriter error)
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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>What a command run of the binary reads: appsettings.json and the environment.</summary>
    public static IConfiguration CommandConfiguration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();
}
