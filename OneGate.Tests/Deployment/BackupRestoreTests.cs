using System.Diagnostics;

namespace OneGate.Tests.Deployment;

/// <summary>
/// Runs manifests/backup/test-local.sh: a throw-away PostgreSQL from the machine's binaries (as Local mode
/// runs it), three encrypted backups with retention, wrong-key and tampering refusals, and restores whose
/// data is compared with the original. Does not boot the app (~11 s).
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task Backup_is_encrypted_retained_and_restores_the_same_data()
    {
        var script = Path.Combine(RenderedManifests.RepositoryRoot, "manifests", "backup", "test-local.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("backup/restore: OK", output, StringComparison.Ordinal);
        Assert.Contains("retention removed", output, StringComparison.Ordinal);
    }
}
