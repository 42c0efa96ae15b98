using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace OneGate.Benchmarks;

/// <summary>
/// <c>auth-flood</c>: legitimate logins while 300 registrations/s with unique bodies arrive for 30 s from 900
/// distinct clients (10 each, within the per-client limit, so the Argon2 scheduler — not the limit — is what is
/// measured). Needs Auth's own port (not the orchestrator's proxy, which makes every caller 127.0.0.1): each
/// client connects from its own 127.x.y.z address. Reports login latency, registration outcomes and Auth's
/// resident memory (VmHWM, the kernel's peak, of the Auth process).
/// </summary>
public static class AuthFloodBenchmark
{
    private const double RegistrationsPerSecond = 300;
    private const int RegistrationsPerClient = 10;
    private static readonly TimeSpan Flood = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        using var auth = new HttpClient { BaseAddress = options.Auth, Timeout = TimeSpan.FromSeconds(60) };
        var run = Guid.NewGuid().ToString("N")[..6];
        var user = new { username = $"owner_{run}", email = $"owner_{run}@bench.example", phone = "0811" + Digits(8), password = "benchmark password" };
        (await auth.PostAsJsonAsync("/api/auth/register", user)).EnsureSuccessStatusCode();
        var authPid = AuthProcessId();
        var rssBefore = Memory(authPid, "VmRSS");

        Console.WriteLine($"# OneGate auth under a registration flood — {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, " +
                          $"{RegistrationsPerSecond:F0} registrations/s offered for {Flood.TotalSeconds:F0} s from {(int)(RegistrationsPerSecond * Flood.TotalSeconds / RegistrationsPerClient)} client addresses, 2 login workers");
        Console.WriteLine();
        Console.WriteLine("| scenario | requests | failures | per second | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|---|---|---|");

        var outcomes = new ConcurrentDictionary<string, int>();
        var clients = new ConcurrentDictionary<int, HttpClient>();
        var phoneBase = long.Parse(Digits(8), CultureInfo.InvariantCulture);
        var next = -1;
        var flood = LoadRun.RunAtRateAsync("POST /api/auth/register (flood, 201 counted as success)", RegistrationsPerSecond, 512, Flood, async () =>
        {
            var i = Interlocked.Increment(ref next);
            var client = clients.GetOrAdd(i / RegistrationsPerClient, c => ClientFrom(options.Auth, Address(c)));
            var body = new { username = $"flood_{run}_{i}", email = $"flood_{run}_{i}@bench.example", phone = "0812" + ((phoneBase + i) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture), password = "flood password " + i };
            string outcome;
            try
            {
                using var response = await client.PostAsJsonAsync("/api/auth/register", body);
                outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                outcome = "no answer";
            }

            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            return outcome == "201";
        });

        var peakSampled = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakSampled = Math.Max(peakSampled, Memory(authPid, "VmRSS"));
                await Task.Delay(250, CancellationToken.None);
            }
        });

        // Successful logins only (a failed one would trip the throttle), from the proxy-free port at 127.0.0.1.
        var logins = LoadRun.RunAsync("POST /api/auth/login during the flood", 2, Flood, async () =>
        {
            using var response = await auth.PostAsJsonAsync("/api/auth/login", new { username = user.username, password = user.password });
            return response.IsSuccessStatusCode;
        });

        var rows = await Task.WhenAll(flood, logins);
        await sampling.CancelAsync();
        await sampler;
        Console.WriteLine(rows[1]);
        Console.WriteLine(rows[0]);
        Console.WriteLine();
        Console.WriteLine("Registration answers: " + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} × {o.Value}")) +
                          " (503 = refused by the bounded Argon2 line, with Retry-After; 429 = the per-client limit).");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Auth resident memory: {rssBefore / 1024.0:F0} MiB before the flood, peak {Memory(authPid, "VmHWM") / 1024.0:F0} MiB (VmHWM, the process's lifetime peak; sampled every 250 ms during the flood: {peakSampled / 1024.0:F0} MiB)."));
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        return 0;
    }

    /// <summary>A client of Auth's port that connects from <paramref name="source"/> (Linux routes 127.0.0.0/8 to loopback).</summary>
    private static HttpClient ClientFrom(Uri auth, IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = auth, Timeout = TimeSpan.FromSeconds(60) };
    }

    private static IPAddress Address(int client) => new([127, 10, (byte)(client / 250), (byte)(client % 250 + 2)]);

    private static string Digits(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + Random.Shared.Next(10))));

    /// <summary>
    /// The Auth service itself: the orchestrator starts it through <c>dotnet run --project …OneGate.Auth.csproj</c>,
    /// whose own process also names Auth, so the one that is not that launcher (and not this harness) is taken.
    /// </summary>
    private static int AuthProcessId()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (int.TryParse(Path.GetFileName(dir), out var pid) && cmdline.Contains("OneGate.Auth", StringComparison.Ordinal)
                    && !cmdline.Contains(".csproj", StringComparison.Ordinal) && !cmdline.Contains("OneGate.Benchmarks", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // The process ended while we read it.
            }
        }

        throw new InvalidOperationException("no OneGate.Auth process on this machine");
    }

    /// <summary>A /proc/&lt;pid&gt;/status field in KiB (VmRSS now, VmHWM the peak).</summary>
    private static long Memory(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
