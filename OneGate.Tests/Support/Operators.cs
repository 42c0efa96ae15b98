using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OneGate.Tests.Regulators;

namespace OneGate.Tests.Support;

/// <summary>
/// Back-office operators for tests. The app's first ADMIN comes from <c>OneGate.Auth operators bootstrap</c>, run once per
/// app as a race of four concurrent bootstraps (<see cref="BootstrapRaceAsync"/>, which Audit/OperatorBootstrapTests
/// checks); every other operator is created by that admin through <c>POST /api/admin/operators</c> and logs in with
/// password and a TOTP code computed here. Tests that deactivate, demote or log out an operator use one of their own,
/// never <see cref="AdminAsync"/>'s, which every test shares.
/// </summary>
public static class Operators
{
    public const string Password = "operator password 1";

    // Lazy: GetValue may run its factory more than once when callers race, keeping one result, and a factory run that
    // loses would still have started its four bootstraps (then every one of the stored race's runs finds an operator).
    private static readonly ConditionalWeakTable<OneGateAppFixture, Lazy<Task<BootstrapRace>>> Races = [];
    private static readonly ConditionalWeakTable<OneGateAppFixture, AdminSession> Admins = [];

    /// <summary>Four concurrent bootstraps with the app's TOTP key; exactly one should have created the first ADMIN.</summary>
    public static Task<BootstrapRace> BootstrapRaceAsync(OneGateAppFixture fixture) =>
        Races.GetValue(fixture, f => new Lazy<Task<BootstrapRace>>(() => RaceAsync(f))).Value;

    /// <summary>
    /// The bootstrapped ADMIN, logged in, shared by every test of the app: do not log it out, deactivate or demote it
    /// (the last-admin test in the "alone" collection demotes it and gives the role back). Its session is checked at
    /// each call and, if it has ended, it logs in again.
    /// </summary>
    public static async Task<TestOperator> AdminAsync(OneGateAppFixture fixture)
    {
        var state = Admins.GetValue(fixture, _ => new AdminSession());
        await state.Gate.WaitAsync();
        try
        {
            using var auth = fixture.CreateClient("auth");
            if (state.Current is { } current)
            {
                using var check = await auth.SendAsync(current.Authorized(HttpMethod.Get, "/api/admin/auth/session"));
                if (check.IsSuccessStatusCode)
                {
                    return current;
                }
            }

            state.Current = await LoginAsync(auth, state.Current ?? await BootstrappedAdminAsync(fixture));
            return state.Current;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private static async Task<TestOperator> BootstrappedAdminAsync(OneGateAppFixture fixture)
    {
        var race = await BootstrapRaceAsync(fixture);
        var won = race.Runs.Single(r => r.ExitCode == 0);
        var uri = won.Output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("otpauth://totp/", StringComparison.Ordinal));
        var username = race.Usernames.Single(n => won.Output.Contains($"'{n}'", StringComparison.Ordinal));
        var id = int.Parse(won.Output.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        return new TestOperator(id, username, Password, TotpClock.UriSecret(uri), ["ADMIN"], new TotpClock());
    }

    /// <summary>A new operator with these roles, created by the bootstrapped ADMIN (not logged in).</summary>
    public static async Task<TestOperator> CreateAsync(OneGateAppFixture fixture, params string[] roles)
    {
        var admin = await AdminAsync(fixture);
        using var auth = fixture.CreateClient("auth");
        var username = $"op-{Guid.NewGuid():N}"[..20];
        using var response = await auth.SendAsync(admin.Authorized(HttpMethod.Post, "/api/admin/operators", new { username, password = Password, roles }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create operator: {(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new TestOperator(json.GetProperty("operator").GetProperty("id").GetInt32(), username, Password,
            TotpClock.UriSecret(json.GetProperty("totp").GetProperty("uri").GetString()!), roles, new TotpClock());
    }

    /// <summary>Logs the operator in with its password and an unused TOTP code.</summary>
    public static async Task<TestOperator> LoginAsync(HttpClient auth, TestOperator op)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(op);
        var code = await op.Clock.NextCodeAsync(op.TotpSecret);
        using var response = await auth.PostAsJsonAsync("/api/admin/auth/login", new { username = op.Username, password = op.Password, code });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"operator login: {(int)response.StatusCode} {body}");
        return op with { AccessToken = JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString() };
    }

    /// <summary>A new operator with these roles, logged in.</summary>
    public static async Task<TestOperator> CreateAndLoginAsync(OneGateAppFixture fixture, params string[] roles)
    {
        var op = await CreateAsync(fixture, roles);
        using var auth = fixture.CreateClient("auth");
        return await LoginAsync(auth, op);
    }

    /// <summary>Runs <c>OneGate.Auth</c> as a command against the app's database, as Auth's login, with the app's TOTP key.</summary>
    public static async Task<CommandRun> RunAuthCommandAsync(OneGateAppFixture fixture, string[] args, string password)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet",
            [RegulatorKeys.ServiceDll("OneGate.Auth"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__onegate"] = await fixture.ServiceConnectionStringAsync("auth", "onegate");
        start.Environment["Auth__Operators__TotpKey"] = await TotpKeyAsync(fixture);
        start.Environment["ONEGATE_OPERATOR_PASSWORD"] = password;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new CommandRun(process.ExitCode, await output, await error);
    }

    /// <summary>The key Auth encrypts TOTP secrets with (an AppHost secret parameter).</summary>
    public static Task<string> TotpKeyAsync(OneGateAppFixture fixture) => fixture.ParameterAsync("auth-operator-totp-key");

    private static async Task<BootstrapRace> RaceAsync(OneGateAppFixture fixture)
    {
        var names = Enumerable.Range(0, 4).Select(i => $"admin{i}_{Guid.NewGuid():N}"[..20]).ToArray();
        var runs = await Task.WhenAll(names.Select(name => RunAuthCommandAsync(fixture, ["operators", "bootstrap", name], Password)));
        return new BootstrapRace(names, runs);
    }

    private sealed class AdminSession
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public TestOperator? Current { get; set; }
    }
}
