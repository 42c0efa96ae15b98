using System.Security.Cryptography;
using System.Text;
using Npgsql;
using OneGate.Tests.Support;

namespace OneGate.Tests.Audit;

/// <summary>
/// <c>OneGate.Auth operators bootstrap</c> creates the first ADMIN once, whatever runs at the same time; its password
/// comes from the environment, never the arguments, and its TOTP secret is stored encrypted; the creation is audited.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class OperatorBootstrapTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Of_four_concurrent_bootstraps_exactly_one_creates_the_first_admin_and_it_is_audited()
    {
        // The race runs once per app (the other tests' operators are created by its winner).
        var (names, runs) = await Operators.BootstrapRaceAsync(fixture);

        var created = Assert.Single(runs, r => r.ExitCode == 0);
        Assert.All(runs.Where(r => r != created), r => Assert.Contains("Operators exist already", r.Error, StringComparison.Ordinal));
        Assert.DoesNotContain(Operators.Password, created.Output, StringComparison.Ordinal);
        var uri = created.Output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("otpauth://totp/", StringComparison.Ordinal));
        var username = names.Single(n => created.Output.Contains($"'{n}'", StringComparison.Ordinal));

        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT id, password_hash, totp_secret, roles FROM operators WHERE username = $1", db)
        {
            Parameters = { new() { Value = username } },
        };
        await using var row = await read.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        var id = row.GetInt32(0);
        Assert.StartsWith("$argon2id$", row.GetString(1), StringComparison.Ordinal);
        Assert.Equal(TotpClock.UriSecret(uri), Decrypt((byte[])row[2], username, await Operators.TotpKeyAsync(fixture)));
        Assert.Equal(["ADMIN"], (string[])row[3]);
        await row.DisposeAsync();

        var audited = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.bootstrap' AND target_id = $1",
            id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("SYSTEM", audited.ActorType);
        Assert.DoesNotContain(Operators.Password, string.Concat(audited.Fields), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("operators", "bootstrap")]
    [InlineData("operators", "bootstrap", "x")]
    [InlineData("operators", "bootstrap", "admin", "--qr")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exit, _, error) = await Operators.RunAuthCommandAsync(fixture, args, "bootstrap password 1");

        Assert.Equal(2, exit);
        Assert.Contains("Usage", error, StringComparison.Ordinal);
    }

    /// <summary>docs/backoffice.md: AES-256-GCM under SHA-256(key), nonce ‖ tag ‖ ciphertext, the username as associated data.</summary>
    private static byte[] Decrypt(byte[] stored, string username, string totpKey)
    {
        var secret = new byte[stored.Length - 28];
        using var aes = new AesGcm(SHA256.HashData(Encoding.UTF8.GetBytes(totpKey)), 16);
        aes.Decrypt(stored.AsSpan(0, 12), stored.AsSpan(28), stored.AsSpan(12, 16), secret, Encoding.UTF8.GetBytes(username));
        return secret;
    }
}
