using Npgsql;

namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// Applies manifests/base/data/postgres-roles.sql (the same file the manifests' postgres-roles Job runs) as the
/// bootstrap superuser: the services' and migrators' login roles with their passwords, the grants and the default
/// privileges. Part of Postgres's readiness check, so no service starts before its roles exist; once per AppHost
/// run (the script is idempotent and re-applies the passwords, so changing a parameter takes effect on restart).
/// </summary>
internal sealed class DatabaseRoles(DataCredentials credentials, string scriptPath)
{
    private volatile bool applied;

    public static string ScriptPath(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "manifests", "base", "data", "postgres-roles.sql"));

    /// <summary>The readiness probe: Postgres answers, and (first time) the roles are in place.</summary>
    public async Task ProbeAsync(string adminConnectionString, CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(adminConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        if (applied)
        {
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(cancellationToken);
            return;
        }

        await ApplyAsync(connection, cancellationToken);
        applied = true;
    }

    private async Task ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var script = await File.ReadAllTextAsync(scriptPath, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (role, password) in credentials.DatabaseLogins())
        {
            // Transaction-local settings: gone at commit, never in a statement's text or the server log.
            await using var set = new NpgsqlCommand("SELECT set_config(@name, @value, true)", connection, transaction);
            set.Parameters.AddWithValue("name", "onegate.password_" + role);
            set.Parameters.AddWithValue("value", await password.Resource.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"{password.Resource.Name} has no value"));
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var apply = new NpgsqlCommand(script, connection, transaction))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
