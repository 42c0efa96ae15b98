using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using OneGate.Tests.Support;

namespace OneGate.Tests.Regulators;

/// <summary>
/// Regulator keys for tests, and the service binaries' commands (<c>keys</c>, <c>dead-letters</c>…) run as separate
/// processes against the test database, exactly as an operator would against the running stack.
/// </summary>
public static partial class RegulatorKeys
{
    private static readonly ConditionalWeakTable<OneGateAppFixture, Lazy<Task<TestOperator>>> ComplianceSessions = [];

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(OneGateAppFixture fixture, params string[] args) =>
        RunCommandAsync(fixture, ["keys", .. args]);

    /// <summary>Runs a service binary (by default Transaction's) as a command against the app's database and Kafka.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(OneGateAppFixture fixture, string[] args,
        string project = "OneGate.Transaction")
    {
        var start = new ProcessStartInfo(DotnetHost(), [ServiceDll(project), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__onegate"] = await fixture.DatabaseConnectionStringAsync();
        start.Environment["ConnectionStrings__kafka"] = await fixture.App.GetConnectionStringAsync("kafka");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// A new key of <paramref name="service"/> (BANK_INDONESIA or OJK, both seeded), issued by a COMPLIANCE operator
    /// through Transaction's back office; <paramref name="more"/> takes the <c>keys create</c> options <c>--per-minute</c>,
    /// <c>--per-hour</c>, <c>--per-day</c> and <c>--expires-in-days</c>. Not the <c>keys</c> command: a process per key
    /// cost the run a minute of CPU (the command has its own tests, <see cref="KeysCommandTests"/>).
    /// </summary>
    public static async Task<IssuedKey> CreateAsync(OneGateAppFixture fixture, string service = "OJK", string permissions = "READ_TRANSACTIONS,READ_REPORTS",
        params string[] more)
    {
        var options = Enumerable.Range(0, more.Length / 2).ToDictionary(i => more[2 * i], i => int.Parse(more[(2 * i) + 1], CultureInfo.InvariantCulture));
        int? Option(string name) => options.TryGetValue(name, out var value) ? value : null;
        var body = new
        {
            name = $"test {Guid.NewGuid():N}"[..20],
            permissions = permissions.Split(','),
            rateLimits = options.Keys.Any(k => k.StartsWith("--per-", StringComparison.Ordinal))
                ? new { perMinute = Option("--per-minute"), perHour = Option("--per-hour"), perDay = Option("--per-day") }
                : null,
            expiresInDays = Option("--expires-in-days"),
        };
        var issued = await AsComplianceAsync(fixture, async (transaction, compliance) =>
            await ServiceIdAsync(transaction, compliance, service) is { } serviceId
                ? await SendAsync(transaction, () => compliance.Authorized(HttpMethod.Post, $"/api/admin/regulators/{serviceId}/keys", body))
                : new HttpResponseMessage(HttpStatusCode.Unauthorized));
        var json = JsonDocument.Parse(issued).RootElement;
        var key = json.GetProperty("key");
        return new IssuedKey(json.GetProperty("secret").GetString()!, key.GetProperty("prefix").GetString()!, key.GetProperty("id").GetGuid());
    }

    /// <summary>A new key of <paramref name="service"/> from the <c>keys create</c> command (for the command's own tests).</summary>
    public static async Task<IssuedKey> CreateByCommandAsync(OneGateAppFixture fixture, string service = "OJK")
    {
        var (exit, output, error) = await RunAsync(fixture,
            ["create", "--service", service, "--name", $"test {Guid.NewGuid():N}"[..20], "--permissions", "READ_TRANSACTIONS,READ_REPORTS"]);
        Assert.True(exit == 0, $"keys create exited {exit}: {output} {error}");
        var secret = output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("og_live_", StringComparison.Ordinal));
        var created = CreatedLine().Match(output);
        Assert.True(created.Success, output);
        return new IssuedKey(secret, created.Groups[1].Value, Guid.Parse(created.Groups[2].Value));
    }

    [GeneratedRegex(@"Created key (\S+) \(([0-9a-f-]{36})\)")]
    private static partial Regex CreatedLine();

    /// <summary>The seeded service's id; null when the operator's session has ended.</summary>
    private static async Task<int?> ServiceIdAsync(HttpClient transaction, TestOperator compliance, string code)
    {
        using var list = await SendAsync(transaction, () => compliance.Authorized(HttpMethod.Get, "/api/admin/regulators"));
        if (list.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var services = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement;
        return services.EnumerateArray().Single(s => s.GetProperty("code").GetString() == code).GetProperty("id").GetInt32();
    }

    /// <summary>
    /// Sends again while the answer is 503, as a client would: in the Faults app a test may just have cut the service's
    /// database sessions, and a request meeting a dead pooled connection is a 503 (which the `keys` process, with a
    /// connection of its own, never met).
    /// </summary>
    private static Task<HttpResponseMessage> SendAsync(HttpClient client, Func<HttpRequestMessage> request) =>
        Eventually.ServedAsync(() => client.SendAsync(request()), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500));

    /// <summary>Sends as the app's COMPLIANCE operator of these tests, logging in again once when its session has ended.</summary>
    private static async Task<string> AsComplianceAsync(OneGateAppFixture fixture, Func<HttpClient, TestOperator, Task<HttpResponseMessage>> send)
    {
        using var transaction = fixture.CreateClient("transaction");
        for (var attempt = 0; ; attempt++)
        {
            var session = ComplianceSessions.GetValue(fixture, f => new(() => Operators.CreateAndLoginAsync(f, "COMPLIANCE")));
            TestOperator compliance;
            try
            {
                compliance = await session.Value;
            }
            catch when (attempt == 0)
            {
                ComplianceSessions.Remove(fixture); // a failed login is not kept for every later key
                continue;
            }

            using var response = await send(transaction, compliance);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                ComplianceSessions.Remove(fixture);
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Created, $"issue key: {(int)response.StatusCode} {body}");
            return body;
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The Transaction service's build output, same configuration as this test assembly.</summary>
    internal static string TransactionDll() => ServiceDll("OneGate.Transaction");

    /// <summary>A service's build output, same configuration as this test assembly.</summary>
    internal static string ServiceDll(string project)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OneGate.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, project, "bin", configuration, testBin.Name, project + ".dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        return dll;
    }
}
