using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace OneGate.Benchmarks;

/// <summary>
/// <c>auth-flood</c>: legitimate logins during two floods of 300 requests/s for 30 s each, from distinct clients.
/// First registrations with unique bodies (10 per client, within the per-client limit, so the Argon2 scheduler — not
/// the limit — is what is measured); then logins with wrong passwords for unknown identifiers (19 per client, within
/// the per-client failure limit of 20: from its second attempt on a client is suspect; its first is a new client's
/// clean attempt, in the bounded line new clients share). The legitimate logins come from an address that has logged
/// in to the account before (after the first), so they are a known client's, in the lane ahead of both. Needs Auth's own port (not the orchestrator's proxy, which makes every caller
/// 127.0.0.1): each client connects from its own 127.x.y.z address. Reports login latency, the floods' outcomes and
/// Auth's resident memory (VmHWM, the kernel's peak, of the Auth process).
/// </summary>
public static class AuthFloodBenchmark
{
    private const double RequestsPerSecond = 300;
    private static readonly TimeSpan Flood = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        using var auth = new HttpClient { BaseAddress = options.Auth, Timeout = TimeSpan.FromSeconds(60) };
        var run = Guid.NewGuid().ToString("N")[..6];
        var user = new { username = $"owner_{run}", email = $"owner_{run}@bench.example", phone = "0811" + Digits(8), password = "benchmark password" };
        (await auth.PostAsJsonAsync("/api/auth/register", user)).EnsureSuccessStatusCode();
        var authPid = AuthProcessId();

        Console.WriteLine($"# OneGate auth under a registration flood and a failed-login flood — {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, " +
                          $"{RequestsPerSecond:F0} requests/s offered for {Flood.TotalSeconds:F0} s each, 2 login workers, after {WarmUp.TotalSeconds:F0} s of each kind of request (not measured; the owner's client is then known to its account, as after any earlier login)");
        Console.WriteLine();
        Console.WriteLine("| scenario | requests | failures | per second | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|---|---|---|");

        // Successful logins only (a failed one would trip the throttle), from the proxy-free port at 127.0.0.1; one without
        // an answer within the client's 60 s is a failure of the row, not of the run.
        Func<Task<bool>> legitimate = async () =>
            await OutcomeAsync(() => auth.PostAsJsonAsync("/api/auth/login", new { username = user.username, password = user.password })) == "200";
        var phoneBase = long.Parse(Digits(8), CultureInfo.InvariantCulture);
        // Second address bytes of their own per run: the failure counters of a client live 15 minutes.
        var failingBytes = Enumerable.Range(20, 230).OrderBy(_ => Random.Shared.Next()).Take(2).Select(b => (byte)b).ToArray();
        await WarmUpAsync(options.Auth, legitimate, Registrations($"warm_{run}", "0813", phoneBase, 11), FailedLogins($"warm_{run}", failingBytes[0]));
        var rssBefore = Memory(authPid, "VmRSS");
        var registrations = await FloodAsync(options.Auth, authPid, legitimate, Registrations($"flood_{run}", "0812", phoneBase, 10));
        var failedLogins = await FloodAsync(options.Auth, authPid, legitimate, FailedLogins($"victim_{run}", failingBytes[1]));

        Console.WriteLine();
        Console.WriteLine("Registration answers: " + registrations.Outcomes +
                          " (503 = refused by the bounded Argon2 line, with Retry-After; 429 = the per-client limit).");
        Console.WriteLine("Failed-login answers: " + failedLogins.Outcomes +
                          " (503 = refused by the bounded line of new clients' or of suspect logins, with Retry-After, not counted; 429 = the per-client limit).");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Auth resident memory: {rssBefore / 1024.0:F0} MiB before the floods (after the warm-up), peak {Memory(authPid, "VmHWM") / 1024.0:F0} MiB (VmHWM, the process's lifetime peak; " +
            $"sampled every 250 ms during the floods: {registrations.PeakKiB / 1024.0:F0} MiB registrations, {failedLogins.PeakKiB / 1024.0:F0} MiB failed logins)."));
        return 0;
    }

    /// <param name="Success">The flood request's status counted as its success.</param>
    /// <param name="PerClient">Requests per client address before the next address is used.</param>
    /// <param name="AddressByte">The second byte of the flood's client addresses (127.b.x.y).</param>
    private sealed record FloodPlan(string Name, string Row, string Success, int PerClient, byte AddressByte,
        Func<HttpClient, int, Task<HttpResponseMessage>> Send);

    private sealed record FloodResult(string Outcomes, long PeakKiB);

    /// <summary>Registrations with unique bodies, 10 per client (within the per-client limit).</summary>
    private static FloodPlan Registrations(string prefix, string phonePrefix, long phoneBase, byte addressByte) => new(
        "registration flood", "POST /api/auth/register (flood, 201 counted as success)", "201", 10, addressByte,
        (client, i) => client.PostAsJsonAsync("/api/auth/register", new
        {
            username = $"{prefix}_{i}", email = $"{prefix}_{i}@bench.example",
            phone = phonePrefix + ((phoneBase + i) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture), password = "flood password " + i,
        }));

    /// <summary>Wrong passwords for unknown identifiers, 19 per client (within the per-client failure limit of 20).</summary>
    private static FloodPlan FailedLogins(string prefix, byte addressByte) => new(
        "failed-login flood", "POST /api/auth/login, wrong passwords (flood, 401 counted as success)", "401", 19, addressByte,
        (client, i) => client.PostAsJsonAsync("/api/auth/login", new { username = $"{prefix}_{i}", password = "guess " + i }));

    /// <summary>
    /// Both floods' kinds of request and the owner's logins for a few seconds each, measured by nobody (from addresses and
    /// names of their own): otherwise the first flood meets a freshly started Auth whose JIT compiles the request paths
    /// for its first seconds, and the rows would report that cold start rather than the hash scheduler.
    /// </summary>
    private static async Task WarmUpAsync(Uri authUri, Func<Task<bool>> legitimate, params FloodPlan[] plans)
    {
        foreach (var plan in plans)
        {
            var clients = new ConcurrentDictionary<int, HttpClient>();
            var next = -1;
            await Task.WhenAll(
                LoadRun.WarmUpAsync(16, WarmUp, async () =>
                {
                    var i = Interlocked.Increment(ref next);
                    var client = clients.GetOrAdd(i / plan.PerClient, c => ClientFrom(authUri, Address(plan.AddressByte, c)));
                    return await OutcomeAsync(() => plan.Send(client, i)) == plan.Success;
                }),
                LoadRun.WarmUpAsync(2, WarmUp, legitimate));
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Legitimate logins from 2 workers while <paramref name="plan"/>'s flood runs; prints both rows.</summary>
    private static async Task<FloodResult> FloodAsync(Uri authUri, int authPid, Func<Task<bool>> legitimate, FloodPlan plan)
    {
        var outcomes = new ConcurrentDictionary<string, int>();
        var clients = new ConcurrentDictionary<int, HttpClient>();
        var next = -1;
        var flood = LoadRun.RunAtRateAsync(plan.Row, RequestsPerSecond, 512, Flood, async () =>
        {
            var i = Interlocked.Increment(ref next);
            var client = clients.GetOrAdd(i / plan.PerClient, c => ClientFrom(authUri, Address(plan.AddressByte, c)));
            var outcome = await OutcomeAsync(() => plan.Send(client, i));
            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            return outcome == plan.Success;
        });

        var peak = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Memory(authPid, "VmRSS"));
                await Task.Delay(250, CancellationToken.None);
            }
        });

        var logins = LoadRun.RunAsync($"POST /api/auth/login during the {plan.Name}", 2, Flood, legitimate);
        var rows = await Task.WhenAll(flood, logins);
        await sampling.CancelAsync();
        await sampler;
        Console.WriteLine(rows[1]);
        Console.WriteLine(rows[0]);
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        return new FloodResult(string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} × {o.Value}")), peak);
    }

    private static async Task<string> OutcomeAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return "no answer";
        }
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

    private static IPAddress Address(byte second, int client) => new([127, second, (byte)(client / 250), (byte)(client % 250 + 2)]);

    private static string Digits(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + Random.Shared.Next(10))));

    /// <summary>
    /// The Auth service itself, of this checkout: the binary with no command after it. The orchestrator starts it through
    /// <c>dotnet run --project …OneGate.Auth.csproj</c>, and Auth's migrate step runs the same binary (<c>OneGate.Auth migrate</c>,
    /// possibly not yet reaped when the flood starts); another checkout's stack on the same machine has its own path.
    /// </summary>
    private static int AuthProcessId()
    {
        var checkout = new DirectoryInfo(AppContext.BaseDirectory);
        while (checkout is not null && !File.Exists(Path.Combine(checkout.FullName, "OneGate.sln")))
        {
            checkout = checkout.Parent;
        }

        var service = Path.Combine(checkout?.FullName ?? "/", "OneGate.Auth", "bin");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                if (int.TryParse(Path.GetFileName(dir), out var pid) && cmdline.StartsWith(service, StringComparison.Ordinal)
                    && (cmdline.EndsWith("OneGate.Auth", StringComparison.Ordinal) || cmdline.EndsWith("OneGate.Auth.dll", StringComparison.Ordinal)))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // The process ended while we read it.
            }
        }

        throw new InvalidOperationException($"no OneGate.Auth service process from {service} on this machine");
    }

    /// <summary>A /proc/&lt;pid&gt;/status field in KiB (VmRSS now, VmHWM the peak).</summary>
    private static long Memory(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
