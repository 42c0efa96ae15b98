using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Passwords;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Operators;

/// <summary>
/// <c>OneGate.Auth operators bootstrap &lt;username&gt; [--qr &lt;file.png&gt;]</c>: creates the first operator, an
/// ADMIN, when there is none (later ones are created by admins). The password comes from ONEGATE_OPERATOR_PASSWORD or
/// the first line of standard input, never from the arguments (process lists and shell histories show those). Prints
/// the TOTP enrolment URI and, with --qr, writes it as a QR code PNG. The creation and its audit event
/// (<c>operator.bootstrap</c>) commit together. Exit codes: 0 created, 1 failed or operators exist, 2 usage error.
/// </summary>
public static class OperatorsCommand
{
    public const string Usage = """
        Usage:
          operators bootstrap <username> [--qr <file.png>]
        Password: ONEGATE_OPERATOR_PASSWORD, or the first line of standard input (12 to 128 characters).
        Connection: ConnectionStrings__onegate="Host=...;Port=...;Username=...;Password=...;Database=onegate"
        TOTP key:   Auth__Operators__TotpKey (the key the Auth service encrypts TOTP secrets with)
        """;

    public const string PasswordVariable = "ONEGATE_OPERATOR_PASSWORD";

    // Two bootstraps at once: the second waits, then finds the first operator and refuses.
    private const int BootstrapLockSpace = 0x0B007;

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(error);
        var connectionString = configuration.GetConnectionString("onegate");
        var options = configuration.GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new OperatorOptions();
        if (args is not (["operators", "bootstrap", _] or ["operators", "bootstrap", _, "--qr", _]) || string.IsNullOrWhiteSpace(connectionString)
            || options.TotpKey.Length < 32 || OperatorNames.Validate(args[2]) is not { } username)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var password = Environment.GetEnvironmentVariable(PasswordVariable) ?? await input.ReadLineAsync();
        if (password is null || password.Length is < 12 or > 128)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var db = new AuthDbContext(new DbContextOptionsBuilder<AuthDbContext>().UseNpgsql(connectionString, AuthDbContext.ConfigureNpgsql).Options);
            await using (db)
            {
                return await BootstrapAsync(db, username, password, new TotpSecrets(Options.Create(options)), args.Length == 5 ? args[4] : null, output, error);
            }
        }
        catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException or IOException)
        {
            await error.WriteLineAsync($"Failed: {ex.GetBaseException().Message}");
            return 1;
        }
    }

    private static async Task<int> BootstrapAsync(AuthDbContext db, string username, string password, TotpSecrets totp, string? qrFile,
        TextWriter output, TextWriter error)
    {
        var passwordHash = (await new PasswordHasher(Options.Create(new PasswordHashingOptions())).HashAsync(password, HashPriority.Login, CancellationToken.None))!;
        var secret = TotpSecrets.NewSecret();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({BootstrapLockSpace})");
        if (await db.Operators.AnyAsync())
        {
            await error.WriteLineAsync("Operators exist already: an ADMIN creates the next ones (POST /api/admin/operators).");
            return 1;
        }

        var created = new Operator
        {
            Username = username, PasswordHash = passwordHash, TotpSecret = totp.Protect(secret, username),
            Roles = [OperatorRoles.Admin], CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Operators.Add(created);
        await db.SaveChangesAsync();
        var id = created.Id.ToString(CultureInfo.InvariantCulture);
        await new AuditTrail(TimeProvider.System, AuditCommand.ChainNumber).AppendAsync(db, new AuditEntry(AuditActions.OperatorBootstrap, AuditActorType.System)
        {
            TargetType = "operator", TargetId = id, After = JsonSerializer.Serialize(new { operatorId = created.Id, username, roles = created.Roles }),
        }, CancellationToken.None);
        await transaction.CommitAsync();

        var uri = TotpSecrets.EnrolmentUri(username, secret);
        if (qrFile is not null)
        {
            await File.WriteAllBytesAsync(qrFile, TotpSecrets.QrCodePng(uri));
        }

        await output.WriteLineAsync($"Created operator {id} '{username}' (ADMIN). Enrol its authenticator app with:");
        await output.WriteLineAsync(uri);
        return 0;
    }
}
