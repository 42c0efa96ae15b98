using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using OneGate.Tests.Regulators;

namespace OneGate.Tests.Audit;

/// <summary>
/// <c>OneGate.Auth operators bootstrap</c> creates the first ADMIN once, whatever runs at the same time; its password
/// comes from the environment, never the arguments, and its TOTP secret is stored encrypted; the creation is audited.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class OperatorBootstrapTests(OneGateAppFixture fixture)
{
    private const string TotpKey = "test-operator-totp-key-0123456789abcdef";

    [Fact]
    public async Task Of_four_concurrent_bootstraps_exactly_one_creates_the_first_admin_and_it_is_audited()
    {
        const string password = "bootstrap password 1";
        var names = Enumerable.Range(0, 4).Select(i => $"admin{i}_{Guid.NewGuid():N}"[..20]).ToArray();

        var runs = await Task.WhenAll(names.Select(name => BootstrapAsync(name, password)));

        var created = Assert.Single(runs, r => r.ExitCode == 0);
        Assert.All(runs.Where(r => r != created), r => Assert.Contains("Operators exist already", r.Error, StringComparison.Ordinal));
        Assert.DoesNotContain(password, created.Output, StringComparison.Ordinal);
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
        Assert.Equal(UriSecret(uri), Decrypt((byte[])row[2], username));
        Assert.Equal(["ADMIN"], (string[])row[3]);
        await row.DisposeAsync();

        var audited = Assert.Single(await AuditRow.ReadAsync(fixture, "action = 'operator.bootstrap' AND target_id = $1",
            id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("SYSTEM", audited.ActorType);
        Assert.DoesNotContain(password, string.Concat(audited.Fields), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("operators", "bootstrap")]
    [InlineData("operators", "bootstrap", "x")]
    [InlineData("operators", "bootstrap", "admin", "--qr")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exit, _, error) = await RunAsync(args, "bootstrap password 1");

        Assert.Equal(2, exit);
        Assert.Contains("Usage", error, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> BootstrapAsync(string username, string password) =>
        RunAsync(["operators", "bootstrap", username], password);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, string password)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet",
            [RegulatorKeys.ServiceDll("OneGate.Auth"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__onegate"] = await fixture.ServiceConnectionStringAsync("auth", "onegate");
        start.Environment["Auth__Operators__TotpKey"] = TotpKey;
        start.Environment["ONEGATE_OPERATOR_PASSWORD"] = password;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>The secret of an otpauth URI (base32, RFC 4648, unpadded), decoded here without the service's library.</summary>
    private static byte[] UriSecret(string uri)
    {
        var base32 = Uri.UnescapeDataString(uri.Split("secret=")[1].Split('&')[0]).TrimEnd('=');
        var bits = string.Concat(base32.Select(c => Convert.ToString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".IndexOf(c, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }

    /// <summary>docs/backoffice.md: AES-256-GCM under SHA-256(key), nonce ‖ tag ‖ ciphertext, the username as associated data.</summary>
    private static byte[] Decrypt(byte[] stored, string username)
    {
        var secret = new byte[stored.Length - 28];
        using var aes = new AesGcm(SHA256.HashData(Encoding.UTF8.GetBytes(TotpKey)), 16);
        aes.Decrypt(stored.AsSpan(0, 12), stored.AsSpan(28), stored.AsSpan(12, 16), secret, Encoding.UTF8.GetBytes(username));
        return secret;
    }
}
