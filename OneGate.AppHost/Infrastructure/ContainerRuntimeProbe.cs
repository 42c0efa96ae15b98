using System.Diagnostics;

namespace OneGate.AppHost.Infrastructure;

/// <summary>
/// Asks the container runtime Aspire would use whether its engine answers. It must be decided before any
/// resource is added: one container resource in a model whose runtime is down fails the whole app.
/// </summary>
internal static class ContainerRuntimeProbe
{
    public static bool IsRunning(string? configuredRuntime, TimeSpan timeout)
    {
        // Aspire's own setting names the runtime; docker is its default.
        var runtime = string.IsNullOrWhiteSpace(configuredRuntime) ? "docker" : configuredRuntime.Trim();
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such CLI on PATH
        }
    }
}
