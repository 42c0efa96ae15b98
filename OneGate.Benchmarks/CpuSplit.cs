using System.Globalization;
using System.Text;

namespace OneGate.Benchmarks;

/// <summary>
/// Where the machine's CPU went during a run: user+system time of every process, read from /proc before and
/// after and grouped by what the process is (Postgres, each service, the load generator...). On a 2-core
/// machine this tells whether the code or the machine is the bottleneck. Only this harness' own processes count,
/// so another stack running on the same machine does not land in its rows; a process that ended counts in its
/// parent's group (pgbench in the harness', a Postgres backend in Postgres').
/// </summary>
public sealed class CpuSplit
{
    private static readonly (string Needle, string Group)[] Groups =
    [
        ("OneGate.Benchmarks", "load generator + AppHost (this harness)"),
        ("OneGate.Payment", "payment"),
        ("OneGate.Auth", "auth"),
        ("OneGate.Transaction", "transaction"),
        ("OneGate.KafkaBroker", "kafka broker"),
        ("OneGate.ProviderSandbox", "provider sandbox"),
        ("pgbench", "pgbench"),
        ("postgres", "postgres"),
        ("redis-server", "redis"),
        ("dcp", "aspire dcp (orchestrator, proxies)"),
    ];

    private readonly Dictionary<int, (string Group, long Ticks, int Parent)> start;
    private readonly DateTime startedAt = DateTime.UtcNow;

    private CpuSplit(Dictionary<int, (string Group, long Ticks, int Parent)> start) => this.start = start;

    public static CpuSplit Start() => new(Read());

    /// <summary>A markdown table: CPU seconds and share of the machine's capacity per group.</summary>
    public string Stop()
    {
        var byGroup = Seconds();
        var seconds = (DateTime.UtcNow - startedAt).TotalSeconds;
        var capacity = seconds * Environment.ProcessorCount;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CPU time by process over {seconds:F0} s ({Environment.ProcessorCount} cores = {capacity:F0} CPU-seconds available):");
        text.AppendLine();
        text.AppendLine("| process | CPU s | share of machine |");
        text.AppendLine("|---|---|---|");
        foreach (var (group, cpu) in byGroup.Where(g => g.Value >= 0.05).OrderByDescending(g => g.Value))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {group} | {cpu:F1} | {cpu / capacity * 100:F0} % |");
        }

        var total = byGroup.Values.Sum();
        text.AppendLine(CultureInfo.InvariantCulture, $"| **all** | {total:F1} | {total / capacity * 100:F0} % |");
        return text.ToString();
    }

    /// <summary>CPU seconds per group since the start (a process started meanwhile counts from zero).</summary>
    public Dictionary<string, double> Seconds()
    {
        var byGroup = new Dictionary<string, double>();
        var now = Read();
        foreach (var (pid, (read, ticks, _)) in now)
        {
            // An ended process not yet reaped has no command line any more: it is still what it was at the start.
            var known = start.TryGetValue(pid, out var s);
            var group = read != "" ? read : known ? s.Group : "other";
            var before = known && s.Group == group ? s.Ticks : 0;
            byGroup[group] = byGroup.GetValueOrDefault(group) + (ticks - before) / 100.0; // USER_HZ is 100 on Linux
        }

        // A process that ended meanwhile (a pooled Postgres connection closed as idle) brought its whole life's CPU
        // into the reaped time of its nearest living ancestor (each parent here waits for its children): only what
        // it used since the start belongs to this row.
        foreach (var (_, (_, ticks, parent)) in start.Where(s => !now.ContainsKey(s.Key)))
        {
            if (Reaper(parent, now) is { } group)
            {
                byGroup[group] = byGroup.GetValueOrDefault(group) - ticks / 100.0;
            }
        }

        return byGroup;
    }

    private string? Reaper(int pid, Dictionary<int, (string Group, long Ticks, int Parent)> now)
    {
        for (; pid > 1; pid = start.TryGetValue(pid, out var gone) ? gone.Parent : 0)
        {
            if (now.TryGetValue(pid, out var living))
            {
                return living.Group;
            }
        }

        return null;
    }

    private static Dictionary<int, (string Group, long Ticks, int Parent)> Read()
    {
        var processes = new Dictionary<int, (int Parent, string Cmdline, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the parenthesised command name: state is field 3, ppid 4, utime 14, stime 15, and the
                // reaped children's cutime 16, cstime 17: a process that ends within a row (pgbench, the Postgres
                // backends serving it) counts in its parent's group, not nowhere.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                processes[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), cmdline, ticks);
            }
            catch (IOException)
            {
                // The process ended while we read it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        var result = new Dictionary<int, (string, long, int)>();
        foreach (var pid in Ours(processes))
        {
            var (parent, cmdline, ticks) = processes[pid];
            result[pid] = (cmdline.Length == 0 ? "" : Groups.FirstOrDefault(g => cmdline.Contains(g.Needle, StringComparison.Ordinal)).Group ?? "other", ticks, parent);
        }

        return result;
    }

    /// <summary>
    /// This harness and what it started: its children, and the orchestrator it started, which detaches itself (parent 1)
    /// and names this process with --monitor, with everything that runs the stack. Other stacks on a shared machine
    /// (another checkout's benchmark or tests) are left out.
    /// </summary>
    private static HashSet<int> Ours(Dictionary<int, (int Parent, string Cmdline, long Ticks)> processes)
    {
        var monitor = $"--monitor {Environment.ProcessId} ";
        var ours = processes.Where(p => p.Key == Environment.ProcessId || (p.Value.Cmdline.Contains("dcp", StringComparison.Ordinal)
            && (p.Value.Cmdline + " ").Contains(monitor, StringComparison.Ordinal))).Select(p => p.Key).ToHashSet();
        for (var added = true; added;)
        {
            added = false;
            foreach (var (pid, process) in processes)
            {
                if (ours.Contains(process.Parent) && ours.Add(pid))
                {
                    added = true;
                }
            }
        }

        return ours;
    }
}
