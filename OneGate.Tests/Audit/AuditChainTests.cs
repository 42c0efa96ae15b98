using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;

namespace OneGate.Tests.Audit;

/// <summary>
/// The audit trail's hash chain (docs/backoffice.md): concurrent appends do not fork it, every hash follows the
/// documented canonical form, and <c>OneGate.Auth audit verify</c> names the first row that was changed.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class AuditChainTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task Concurrent_appends_form_one_gapless_chain_that_verifies()
    {
        var before = await LastIdAsync();
        using var attacker = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());

        // 40 failed logins (20 failures, 20 throttled: one record for the throttled client) and 10 registrations, all
        // at once: 31 appends racing. (More registrations beside the logins would overflow the registrations' hashing
        // line: 503, not an append.)
        var logins = Enumerable.Range(0, 40).Select(async _ =>
        {
            using var response = await attacker.PostAsJsonAsync("/api/auth/login", new { username = "nobody_" + Guid.NewGuid().ToString("N")[..12], password = "wrong" });
            return response.StatusCode;
        });
        var registrations = Enumerable.Range(0, 10).Select(async _ => (await TestUsers.RegisterAsync(auth)).Id > 0 ? HttpStatusCode.Created : HttpStatusCode.InternalServerError);
        var answers = await Task.WhenAll(logins.Concat(registrations));

        Assert.Equal(20, answers.Count(a => a == HttpStatusCode.Unauthorized));
        Assert.Equal(20, answers.Count(a => a == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, answers.Count(a => a == HttpStatusCode.Created));
        var appended = await AuditRow.ReadAsync(fixture, "id > $1", before);
        Assert.True(appended.Count >= 31, $"{appended.Count} events appended");
        Assert.Equal(Enumerable.Range(1, appended.Count).Select(i => before + i), appended.Select(r => r.Id));
        var (exit, output, error) = await VerifyAsync();
        Assert.True(exit == 0, $"audit verify exited {exit}: {output} {error}");
        Assert.Contains("Audit chain intact", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_hash_is_sha256_of_the_previous_hash_and_the_documented_canonical_form()
    {
        await TestUsers.RegisterAndLoginAsync(auth);
        var last = await LastIdAsync();
        var rows = await AuditRow.ReadAsync(fixture, "id >= $1", Math.Max(1, last - 5));

        var previous = rows[0].Id == 1 ? new byte[32] : (await AuditRow.ReadAsync(fixture, "id = $1", rows[0].Id - 1)).Single().Hash;
        foreach (var row in rows)
        {
            Assert.Equal(Convert.ToHexString(CanonicalHash(previous, row.Fields)), Convert.ToHexString(row.Hash));
            previous = row.Hash;
        }
    }

    [Fact]
    public async Task Verify_names_the_first_changed_row_and_passes_again_once_it_is_restored()
    {
        var user = await TestUsers.RegisterAsync(auth);
        var row = (await AuditRow.ReadAsync(fixture, "action = 'user.register' AND actor_id = $1", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Single();

        await AuditRow.TamperReasonAsync(fixture, row.Id, "'tampered'");
        try
        {
            var (exit, output, error) = await VerifyAsync();
            Assert.True(exit == 3, $"audit verify exited {exit}: {output} {error}");
            Assert.Contains($"Broken at event {row.Id}:", error, StringComparison.Ordinal);
        }
        finally
        {
            await AuditRow.TamperReasonAsync(fixture, row.Id, "NULL");
        }

        Assert.Equal(0, (await VerifyAsync()).ExitCode);
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("audit", "repair")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exit, _, error) = await RegulatorKeys.RunCommandAsync(fixture, args, "OneGate.Auth");

        Assert.Equal(2, exit);
        Assert.Contains("Usage", error, StringComparison.Ordinal);
    }

    /// <summary>The chain as docs/backoffice.md defines it, written here again from the text rather than shared with the service.</summary>
    private static byte[] CanonicalHash(byte[] previous, string?[] fields)
    {
        var bytes = new List<byte>(previous);
        var length = new byte[4];
        foreach (var field in fields)
        {
            var utf8 = field is null ? null : Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteUInt32BigEndian(length, utf8 is null ? 0xFFFFFFFF : (uint)utf8.Length);
            bytes.AddRange(length);
            bytes.AddRange(utf8 ?? []);
        }

        return SHA256.HashData(bytes.ToArray());
    }

    private async Task<long> LastIdAsync()
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var last = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM audit_events", db);
        return (long)(await last.ExecuteScalarAsync())!;
    }

    private Task<(int ExitCode, string Output, string Error)> VerifyAsync() =>
        RegulatorKeys.RunCommandAsync(fixture, ["audit", "verify"], "OneGate.Auth");
}
