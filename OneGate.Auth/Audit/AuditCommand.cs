using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Audit;

namespace OneGate.Auth.Audit;

/// <summary><c>OneGate.Auth audit verify</c>: checks Auth's audit chain (<see cref="AuditVerifyCommand"/>).</summary>
public static class AuditCommand
{
    /// <summary>Auth's chain number: the second key of the advisory lock its appends take (docs/backoffice.md).</summary>
    public const int ChainNumber = 1;

    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error) =>
        AuditVerifyCommand.RunAsync(args, configuration, output, error, connectionString =>
            new AuthDbContext(new DbContextOptionsBuilder<AuthDbContext>().UseNpgsql(connectionString, AuthDbContext.ConfigureNpgsql).Options));

    /// <summary>What a command run of the binary reads: appsettings.json and the environment.</summary>
    public static IConfiguration CommandConfiguration() => AuditVerifyCommand.CommandConfiguration();
}
