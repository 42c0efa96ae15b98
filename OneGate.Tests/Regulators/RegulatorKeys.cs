using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OneGate.Tests.Regulators;

/// <summary>
/// Runs the Transaction service binary's <c>keys</c> command as a separate process against the test database,
/// exactly as an operator would against the running stack.
/// </summary>
public static partial class RegulatorKeys
{
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

    public static async Task<IssuedKey> CreateAsync(OneGateAppFixture fixture, string service = "OJK", string permissions = "READ_TRANSACTIONS,READ_REPORTS",
        params string[] more)
    {
        var (exit, output, error) = await RunAsync(fixture,
            ["create", "--service", service, "--name", $"test {Guid.NewGuid():N}"[..20], "--permissions", permissions, .. more]);
        Assert.True(exit == 0, $"keys create exited {exit}: {output} {error}");
        var secret = output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("og_live_", StringComparison.Ordinal));
        var created = CreatedLine().Match(output);
        Assert.True(created.Success, output);
        return new IssuedKey(secret, created.Groups[1].Value, Guid.Parse(created.Groups[2].Value));
    }

    [GeneratedRegex(@"Created key (\S+) \(([0-9a-f-]{36})\)")]
    private static partial Regex CreatedLine();

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
