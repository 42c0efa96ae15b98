using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace OneGate.Tests.Gateway;

/// <summary>
/// Kong is not runnable on this machine, so kong/kong.yml is checked statically. The config is compared with the
/// contract (docs/api.md) in both directions and the plugins with the services' own limits; regulator keys and
/// limits must be the Transaction service's alone. The renderer that fills in the secrets and the Lua of the
/// pre-/post-function plugins (<see cref="KongFunctionRun"/>) are run for real. No app boot.
/// </summary>
public sealed class GatewayConfigTests
{
    private static readonly IReadOnlyList<ContractEndpoint> Contract = ApiContract.Endpoints();
    private readonly KongConfig kong = KongConfig.Load();
    private readonly IReadOnlyList<KongRoute> routes;

    // The routes on the users' API host (every route without a host); the console's routes have its own host (below).
    public GatewayConfigTests() => routes = [.. kong.Routes().Where(r => r.OnEveryHost)];

    public static TheoryData<string, string> ContractEndpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Contract)
        {
            data.Add(endpoint.Method, endpoint.Path);
        }

        return data;
    }

    [Fact]
    public void The_contract_copy_is_the_shared_contract_and_lists_every_service()
    {
        var shared = Path.GetFullPath(Path.Combine(RepositoryFiles.Root, "..", "shared", "api.md"));
        if (File.Exists(shared))
        {
            Assert.True(File.ReadAllText(shared) == ApiContract.Text,
                $"{ApiContract.RelativePath} differs from {shared}: copy it again (cp {shared} {ApiContract.RelativePath})");
        }

        // Guards the parser: the contract has 19 endpoints over three services.
        Assert.Equal(19, Contract.Count);
        Assert.Equal(["auth", "payment", "transaction"], Contract.Select(e => e.Service).Distinct().Order());
        Assert.Contains(Contract, e => e is { Path: "/api/payments/callbacks/gopay", Auth: ContractAuth.None });
        Assert.Contains(Contract, e => e is { Path: "/api/external/reports/daily", Auth: ContractAuth.ApiKey });
        Assert.Contains(Contract, e => e is { Path: "/api/auth/me", Auth: ContractAuth.Bearer });
    }

    [Theory]
    [MemberData(nameof(ContractEndpoints))]
    public void Contract_endpoint_is_routed_to_its_service_with_its_authentication(string method, string path)
    {
        var endpoint = Contract.Single(e => e.Method == method && e.Path == path);

        var matching = routes.Where(r => r.Matches(method, endpoint.SamplePath)).ToList();

        Assert.True(matching.Count > 0, $"no Kong route for {endpoint}");
        Assert.All(matching, route =>
        {
            Assert.Equal(endpoint.Service, route.Upstream.Host);
            Assert.Equal(8080, route.Upstream.Port);
            Assert.False(route.StripPath, $"{route.Name} strips the path; the contract paths work unchanged through Kong");
            Assert.Equal(endpoint.Auth == ContractAuth.Bearer, route.Has("jwt"));
            // X-API-Key is checked by the Transaction service alone (it holds the keys and logs every request).
            Assert.False(route.Has("key-auth"), $"{route.Name} checks API keys in Kong");
            Assert.Equal(endpoint.Auth == ContractAuth.ApiKey, route.KongService == "regulator");
        });
    }

    [Fact]
    public void Every_route_path_is_a_contract_path_of_its_service()
    {
        var expected = Contract.ToLookup(e => KongPathFor(e.Path), e => e.Service);

        foreach (var route in routes)
        {
            foreach (var path in route.Paths)
            {
                Assert.True(expected.Contains(path), $"route {route.Name} exposes {path}, which is not in the contract");
                Assert.Contains(route.Upstream.Host, expected[path]);
            }
        }
    }

    [Fact]
    public void Internal_and_operational_endpoints_are_not_reachable_through_kong()
    {
        // Every /internal/... endpoint the services map (read from their source, so a new one is covered too),
        // plus the operational endpoints each service has.
        var internalPaths = new[] { "OneGate.Auth", "OneGate.Payment", "OneGate.Transaction" }
            .SelectMany(project => Directory.EnumerateFiles(RepositoryFiles.PathOf(project), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), "\"(/internal/[^\"]*)\"").Select(m => m.Groups[1].Value))
            .Select(path => Regex.Replace(path, @"\{[^}]+\}", Guid.NewGuid().ToString()))
            .Distinct()
            .ToList();
        Assert.Contains("/internal/users/resolve", internalPaths);

        string[] operational = ["/health", "/alive", "/openapi/v1.json", "/metrics", "/api/auth", "/api/payments", "/api/external"];
        foreach (var path in internalPaths.Concat(operational))
        {
            foreach (var method in new[] { "GET", "POST" })
            {
                var route = routes.FirstOrDefault(r => r.Matches(method, path));
                Assert.True(route is null, $"{method} {path} is routed by {route?.Name}");
            }
        }
    }

    [Fact]
    public void Public_auth_route_is_rate_limited_per_client_ip_in_the_shared_redis()
    {
        var limit = routes.Single(r => r.Name == "auth-public").OwnPlugin("rate-limiting");

        AssertPerIpInSharedRedis(limit);
        // Above Auth's own per-client limits (10 registrations an hour, 20 failed logins in 15 minutes), so a person
        // gets Auth's TOO_MANY_ATTEMPTS, not Kong's answer.
        Assert.InRange(Int(limit, "minute"), 21, 1000);
        Assert.InRange(Int(limit, "hour"), Int(limit, "minute"), 100_000);
    }

    [Fact]
    public void Refresh_has_its_own_route_and_per_ip_budget_apart_from_login_and_registration()
    {
        var refresh = routes.Single(r => r.Matches("POST", "/api/auth/refresh"));
        var login = routes.Single(r => r.Matches("POST", "/api/auth/login"));

        Assert.Same(login, routes.Single(r => r.Matches("POST", "/api/auth/register")));
        Assert.NotEqual(login.Name, refresh.Name);
        // Kong keys a rate limit's counters by the route and service it is configured on, so each route's limit
        // counts only its own requests as long as no limit sits on the auth service or globally.
        var limits = routes.Where(r => r.KongService == "auth").SelectMany(r => r.Plugins)
            .Where(p => KongConfig.Scalar(p, "name") == "rate-limiting").ToList();
        Assert.Equal(2, limits.Count);
        var refreshLimit = refresh.OwnPlugin("rate-limiting");
        var loginLimit = login.OwnPlugin("rate-limiting");
        AssertPerIpInSharedRedis(refreshLimit);
        // A refresh is cheap (no Argon2) and every signed-in app makes one each 15 minutes: a larger budget.
        Assert.True(Int(refreshLimit, "minute") > Int(loginLimit, "minute"), "refresh has no more headroom than login");
        Assert.True(Int(refreshLimit, "hour") > Int(loginLimit, "hour"), "refresh has no more headroom than login");
    }

    [Fact]
    public void Kong_holds_no_regulator_key_consumer_or_limit()
    {
        var text = File.ReadAllText(RepositoryFiles.PathOf(KongConfig.RelativePath));

        Assert.DoesNotContain(kong.AllPlugins(), p => KongConfig.Scalar(p, "name") is "key-auth" or "key-auth-enc" or "basic-auth" or "hmac-auth" or "acl");
        // The only consumer is Auth's token issuer: no regulator, no credential other than the JWT public key.
        var consumer = Assert.Single(kong.Consumers);
        Assert.Equal("onegate-auth", KongConfig.Scalar(consumer, "username"));
        Assert.Equal(["jwt_secrets", "username"], consumer.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).Order());
        Assert.DoesNotContain("keyauth_credentials", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\$\{[A-Z_]*(API_KEY|REGULATOR)[A-Z_]*\}", text);
        Assert.All(TransactionSeed.KnownRegulators(), code => Assert.DoesNotContain(code, text, StringComparison.Ordinal));
        // Every rate limit counts client addresses; none counts a consumer, a credential or a key header.
        Assert.All(kong.AllPlugins().Where(p => KongConfig.Scalar(p, "name") == "rate-limiting"),
            p => Assert.Equal("ip", KongConfig.Scalar(KongConfig.Config(p), "limit_by")));
    }

    [Theory]
    [InlineData("BANK_INDONESIA", "Bank Indonesia")]
    [InlineData("OJK", "OJK")]
    public void The_seed_limits_of_the_transaction_service_are_the_contracts(string serviceCode, string contractName) =>
        Assert.Equal(ApiContract.RegulatorLimits(contractName), TransactionSeed.LimitsFor(serviceCode));

    [Fact]
    public void Regulator_requests_reach_transaction_with_their_key_behind_only_a_coarse_per_ip_limit()
    {
        var route = routes.Single(r => r.Name == "regulator-api");
        var limit = route.OwnPlugin("rate-limiting");

        Assert.Equal(("transaction", 8080), (route.Upstream.Host, route.Upstream.Port));
        Assert.Equal(["rate-limiting"], route.Plugins.Select(p => KongConfig.Scalar(p, "name")!).Except(kong.GlobalPlugins.Select(p => KongConfig.Scalar(p, "name")!)));
        AssertPerIpInSharedRedis(limit);
        // The minute only: the hour and day budgets (the day in WIB) are the keys', in Transaction.
        Assert.All(new[] { "second", "hour", "day", "month", "year" }, window => Assert.Null(KongConfig.Scalar(limit, window)));
        // Above what every seeded regulator may send in a minute together (even from one shared address), so a
        // regulator within its keys' limits always reaches Transaction, which answers and logs its 429s.
        var allRegulatorsPerMinute = TransactionSeed.KnownRegulators().Sum(code => TransactionSeed.LimitsFor(code).Minute);
        Assert.True(Int(limit, "minute") > allRegulatorsPerMinute, $"Kong's {Int(limit, "minute")}/min per IP is not above the regulators' {allRegulatorsPerMinute}/min");
        // Transaction's RateLimit-* headers describe the key's budget; Kong's must not replace them.
        Assert.Equal("true", KongConfig.Scalar(limit, "hide_client_headers"));

        // The global header filter passes X-API-Key (and strips what only Kong or the services may set).
        var strip = KongConfig.Strings(KongConfig.Config(kong.GlobalPlugin("pre-function")), "access");
        using var run = new KongFunctionRun()
            .WithRequestHeader("X-API-Key", "og_live_abc")
            .WithRequestHeader("X-Consumer-Custom-Id", "BANK_INDONESIA")
            .WithRequestHeader("X-Credential-Identifier", "forged")
            .Run(strip);
        Assert.Equal(["x-consumer-custom-id", "x-credential-identifier"], run.ClearedUpstreamHeaders.Order());
    }

    [Fact]
    public void User_routes_check_auth_tokens_by_key_id_from_the_header_only()
    {
        var jwtSecret = KongConfig.Sequence(kong.Consumers.Single(c => KongConfig.Scalar(c, "username") == "onegate-auth"), "jwt_secrets").Single();
        Assert.Equal("ES256", KongConfig.Scalar(jwtSecret, "algorithm"));
        Assert.Equal("${ONEGATE_AUTH_JWT_KEY_ID}", KongConfig.Scalar(jwtSecret, "key"));
        Assert.Equal("${ONEGATE_AUTH_JWT_PUBLIC_KEY}", KongConfig.Scalar(jwtSecret, "rsa_public_key"));

        var jwtConfigs = routes.SelectMany(r => r.Plugins).Where(p => KongConfig.Scalar(p, "name") == "jwt").Select(KongConfig.Config).ToList();
        Assert.Equal(3, jwtConfigs.Count);
        Assert.All(jwtConfigs, config =>
        {
            Assert.Equal("kid", KongConfig.Scalar(config, "key_claim_name"));
            Assert.Equal(["exp"], KongConfig.Strings(config, "claims_to_verify"));
            Assert.Equal(["authorization"], KongConfig.Strings(config, "header_names"));
            Assert.Empty(KongConfig.Strings(config, "uri_param_names"));
            Assert.Empty(KongConfig.Strings(config, "cookie_names"));
        });
    }

    [Fact]
    public void Gateway_wide_plugins_limit_bodies_like_the_services_strip_internal_headers_and_correlate_requests()
    {
        var size = KongConfig.Config(kong.GlobalPlugin("request-size-limiting"));
        Assert.Equal("kilobytes", KongConfig.Scalar(size, "size_unit"));
        Assert.Equal(Microsoft.Extensions.Hosting.ProblemDetailsDefaults.MaxRequestBodyBytes / 1024, Int(size, "allowed_payload_size"));

        using (var strip = new KongFunctionRun())
        {
            string[] spoofed = ["X-Consumer-ID", "X-Credential-Identifier", "X-Anonymous-Consumer", "X-Authenticated-Userid", "X-OneGate-User", "X-Internal-Caller", "Forwarded"];
            foreach (var header in spoofed.Append("Authorization").Append("X-Request-Id"))
            {
                strip.WithRequestHeader(header, "client-value");
            }

            strip.Run(KongConfig.Strings(KongConfig.Config(kong.GlobalPlugin("pre-function")), "access"));
            Assert.Equal(spoofed.Select(h => h.ToLowerInvariant()).Order(), strip.ClearedUpstreamHeaders.Distinct().Order());
        }

        var correlation = KongConfig.Config(kong.GlobalPlugin("correlation-id"));
        Assert.Equal("X-Request-Id", KongConfig.Scalar(correlation, "header_name"));
        Assert.Equal("true", KongConfig.Scalar(correlation, "echo_downstream"));
        Assert.NotNull(kong.GlobalPlugin("prometheus"));
    }

    /// <summary>Kong's own refusals: status and what kong.response.get_source() says about them.</summary>
    public static TheoryData<int, string> KongRefusals => new()
    {
        { 401, "exit" }, // jwt
        { 404, "exit" }, // no route matched
        { 413, "exit" }, // request-size-limiting
        { 429, "exit" }, // rate-limiting
        { 500, "error" }, // a plugin failed
        { 502, "error" }, // the service could not be reached
        { 503, "error" },
        { 504, "error" }, // the service did not answer in time
    };

    [Theory]
    [MemberData(nameof(KongRefusals))]
    public void Kongs_own_refusal_is_a_problem_with_the_code_a_service_gives_that_status(int status, string source)
    {
        const string requestId = "5f0c7d1e-0c4b-4a58-9d4b-3f1a2e9c7b10";
        using var run = new KongFunctionRun(status, source, """{"message":"API rate limit exceeded"}""")
            .WithRequestHeader("X-Request-Id", requestId)
            .WithResponseHeader("Content-Type", "application/json; charset=utf-8")
            .WithResponseHeader("Content-Length", "37");

        RunProblemFunction(run);

        Assert.Equal("application/problem+json", run.ResponseHeader("Content-Type"));
        Assert.Equal(Encoding.UTF8.GetByteCount(run.Body).ToString(CultureInfo.InvariantCulture), run.ResponseHeader("Content-Length"));
        using var problem = JsonDocument.Parse(run.Body);
        var root = problem.RootElement;
        // A gateway 502/504 means the same to a client as a service's 503: retry later.
        var code = ServiceCode(status is 502 or 504 ? 503 : status);
        Assert.Equal(code, root.GetProperty("code").GetString());
        Assert.Equal(status, root.GetProperty("status").GetInt32());
        Assert.Equal($"https://onegate.skynux.fun/problems/{code.ToLowerInvariant().Replace('_', '-')}", root.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("detail").GetString()));
        Assert.Equal(requestId, root.GetProperty("traceId").GetString());
    }

    [Theory]
    [InlineData(429, null, "60")] // the regulator route hides Kong's headers; its one window is the minute
    [InlineData(429, "17", "17")] // Kong's own Retry-After (user routes) is kept
    [InlineData(502, null, "5")]
    [InlineData(504, null, "5")]
    [InlineData(401, null, null)]
    [InlineData(404, null, null)]
    public void Kongs_refusals_that_a_retry_can_cure_say_when_to_retry(int status, string? retryAfter, string? expected)
    {
        using var run = new KongFunctionRun(status, status >= 500 ? "error" : "exit");
        if (retryAfter is not null)
        {
            run.WithResponseHeader("Retry-After", retryAfter);
        }

        RunProblemFunction(run);

        Assert.Equal(expected, run.ResponseHeader("Retry-After"));
    }

    [Theory]
    [InlineData(404, "service")] // a service's own problem, e.g. TRANSACTION_NOT_FOUND
    [InlineData(429, "service")] // Transaction's RATE_LIMITED for a regulator key, Auth's TOO_MANY_ATTEMPTS
    [InlineData(503, "service")]
    [InlineData(200, "exit")] // Kong's answer to a CORS preflight
    public void Responses_of_the_services_and_kongs_successes_pass_unchanged(int status, string source)
    {
        const string body = """{"type":"https://onegate.skynux.fun/problems/rate-limited","code":"RATE_LIMITED"}""";
        using var run = new KongFunctionRun(status, source, body).WithResponseHeader("Content-Type", "application/problem+json; charset=utf-8");

        RunProblemFunction(run);

        Assert.Equal(body, run.Body);
        Assert.Equal("application/problem+json; charset=utf-8", run.ResponseHeader("Content-Type"));
        Assert.Null(run.ResponseHeader("Content-Length"));
    }

    [Fact]
    public void A_client_request_id_that_is_not_a_plain_token_stays_out_of_the_problem()
    {
        using var run = new KongFunctionRun(404, "exit").WithRequestHeader("X-Request-Id", "x\",\"code\":\"OK");

        RunProblemFunction(run);

        using var problem = JsonDocument.Parse(run.Body);
        Assert.Equal("NOT_FOUND", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(KongFunctionRun.KongRequestId, problem.RootElement.GetProperty("traceId").GetString());
    }

    [Fact]
    public void Kongs_error_template_is_a_problem_with_slots_for_the_message_and_request_id_only()
    {
        var template = File.ReadAllText(RepositoryFiles.PathOf(KongErrorTemplate));

        // Kong renders it with Lua's string.format(template, message, request_id): two %s and no other %.
        Assert.Equal(2, Regex.Matches(template, "%s").Count);
        Assert.Equal(2, template.Count(c => c == '%'));
        var parts = template.Split("%s");
        using var problem = JsonDocument.Parse(parts[0] + "no Route matched with those values" + parts[1] + "kong-id-1" + parts[2]);
        var root = problem.RootElement;
        Assert.True(Uri.TryCreate(root.GetProperty("type").GetString(), UriKind.Absolute, out var type) && type.Scheme == "https");
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.Equal("no Route matched with those values", root.GetProperty("detail").GetString());
        Assert.Matches("^[A-Z]+(_[A-Z]+)*$", root.GetProperty("code").GetString());
        Assert.Equal("kong-id-1", root.GetProperty("traceId").GetString());
        // The post-function that gives each refusal its status and code runs on every request, also when no
        // route matched (only global plugins run then), and rewrites the body in the phases that can.
        var function = KongConfig.Config(kong.GlobalPlugin("post-function"));
        Assert.Equal(["body_filter", "header_filter"], function.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).Order());
    }

    [Fact]
    public void Browsers_get_cors_for_the_web_origin_on_user_routes_only()
    {
        foreach (var route in routes)
        {
            var isRegulator = route.KongService == "regulator";
            Assert.Equal(!isRegulator, route.Has("cors"));
        }

        var cors = routes.SelectMany(r => r.Plugins).Where(p => KongConfig.Scalar(p, "name") == "cors").Select(KongConfig.Config).ToList();
        Assert.All(cors, config =>
        {
            Assert.Equal(["${ONEGATE_WEB_ORIGIN}"], KongConfig.Strings(config, "origins"));
            Assert.Contains("Idempotency-Key", KongConfig.Strings(config, "headers"));
            Assert.Equal("false", KongConfig.Scalar(config, "credentials"));
        });
    }

    [Fact]
    public void The_console_answers_on_its_own_host_only_to_the_allowed_network_and_keeps_its_probes_inside()
    {
        var console = kong.Routes().Where(r => !r.OnEveryHost).ToList();

        Assert.Equal(["backoffice-console", "backoffice-operational"], console.Select(r => r.Name).Order());
        Assert.All(console, route =>
        {
            Assert.Equal(["${ONEGATE_BACKOFFICE_HOST}"], route.Hosts);
            Assert.Equal(new Uri("http://backoffice:8080"), route.Upstream);
            var allow = KongConfig.Config(route.Plugins.Single(p => KongConfig.Scalar(p, "name") == "ip-restriction"));
            Assert.Equal(["${ONEGATE_BACKOFFICE_ALLOWED_NETWORK}"], KongConfig.Strings(allow, "allow"));
            Assert.False(route.Has("cors"), $"{route.Name}: the console's pages are same-origin");
        });
        // Kong matches regex paths before prefix paths: the probes and metrics end at Kong on the console's host.
        var operational = console.Single(r => r.Name == "backoffice-operational");
        foreach (var path in new[] { "/health", "/alive", "/metrics", "/HEALTH", "/Alive/", "/metrics/", "//health", "/Metrics//" })
        {
            Assert.True(operational.Matches("GET", path), path);
        }

        Assert.False(operational.Matches("GET", "/healthy-accounts"));

        Assert.Equal("404", KongConfig.Scalar(operational.OwnPlugin("request-termination"), "status_code"));
        // No user route leads to the console.
        Assert.DoesNotContain(routes, r => r.Upstream.Host == "backoffice");
    }

    [Fact]
    public async Task The_renderer_fills_in_secrets_exactly_and_the_result_is_the_same_config()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = ecdsa.ExportSubjectPublicKeyInfoPem();
        var environment = RenderEnvironment(publicKey);
        var output = Path.Combine(Directory.CreateTempSubdirectory("onegate-kong-").FullName, "kong.yml");
        try
        {
            var (exit, error) = await RenderAsync(output, environment);
            Assert.True(exit == 0, error);

            var rendered = KongConfig.Load(output);
            Assert.DoesNotContain("${", File.ReadAllText(output), StringComparison.Ordinal);
            var jwtSecret = KongConfig.Sequence(rendered.Consumers.Single(c => KongConfig.Scalar(c, "username") == "onegate-auth"), "jwt_secrets").Single();
            Assert.Equal(publicKey, KongConfig.Scalar(jwtSecret, "rsa_public_key"));
            Assert.Equal(environment["ONEGATE_AUTH_JWT_KEY_ID"], KongConfig.Scalar(jwtSecret, "key"));
            Assert.Equal([environment["ONEGATE_WEB_ORIGIN"]], KongConfig.Strings(KongConfig.Config(rendered.Routes()[0].Plugins.Single(p => KongConfig.Scalar(p, "name") == "cors")), "origins"));
            Assert.Equal(kong.Routes().Select(r => (r.Name, r.Upstream, string.Join(',', r.Paths))),
                rendered.Routes().Select(r => (r.Name, r.Upstream, string.Join(',', r.Paths))));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    [Fact]
    public async Task The_renderer_refuses_to_render_with_a_secret_missing()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var environment = RenderEnvironment(ecdsa.ExportSubjectPublicKeyInfoPem());
        environment["ONEGATE_AUTH_JWT_KEY_ID"] = "";
        var output = Path.Combine(Directory.CreateTempSubdirectory("onegate-kong-").FullName, "kong.yml");
        try
        {
            var (exit, error) = await RenderAsync(output, environment);

            Assert.NotEqual(0, exit);
            Assert.Contains("ONEGATE_AUTH_JWT_KEY_ID is not set", error, StringComparison.Ordinal);
            Assert.False(File.Exists(output));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    private static Dictionary<string, string> RenderEnvironment(string publicKey) => new()
    {
        // Characters YAML would mis-read if the renderer did not escape them.
        ["ONEGATE_AUTH_JWT_KEY_ID"] = "onegate-\"quoted\\back\\slash\" #not-a-comment: x",
        ["ONEGATE_AUTH_JWT_PUBLIC_KEY"] = publicKey,
        ["ONEGATE_WEB_ORIGIN"] = "https://app.onegate.test/" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)),
        ["ONEGATE_BACKOFFICE_HOST"] = "backoffice.onegate.test",
        ["ONEGATE_BACKOFFICE_ALLOWED_NETWORK"] = "203.0.113.0/24",
    };

    private static async Task<(int Exit, string Error)> RenderAsync(string output, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("sh", [RepositoryFiles.PathOf("kong", "render-config.sh"), RepositoryFiles.PathOf(KongConfig.RelativePath), output])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, error);
    }

    /// <summary>Kong's form of a contract path: an anchored regex, parameters as one path segment.</summary>
    private static string KongPathFor(string contractPath) =>
        "~" + Regex.Replace(contractPath.Replace(".", @"\.", StringComparison.Ordinal), @"\{[^}]+\}", "[^/]+") + "$";

    /// <summary>The repository path of the template Kong renders its own errors with (KONG_ERROR_TEMPLATE_JSON).</summary>
    public static readonly string KongErrorTemplate = Path.Combine("kong", "error-template.json");

    private void RunProblemFunction(KongFunctionRun run)
    {
        var function = KongConfig.Config(kong.GlobalPlugin("post-function"));
        run.Run(KongConfig.Strings(function, "header_filter")).Run(KongConfig.Strings(function, "body_filter"));
    }

    /// <summary>The code a service's problem gets for a bare status (ProblemDetailsDefaults, compiled).</summary>
    private static string ServiceCode(int status) =>
        (string)typeof(Microsoft.Extensions.Hosting.ProblemDetailsDefaults).GetMethod("DefaultCode", BindingFlags.NonPublic | BindingFlags.Static)!
            .Invoke(null, [status])!;

    private static void AssertPerIpInSharedRedis(YamlMappingNode limit)
    {
        Assert.Equal("ip", KongConfig.Scalar(limit, "limit_by"));
        Assert.Equal("redis", KongConfig.Scalar(limit, "policy"));
        var redis = (YamlMappingNode)limit.Children[new YamlScalarNode("redis")];
        Assert.Equal("redis", KongConfig.Scalar(redis, "host"));
        Assert.Equal("6379", KongConfig.Scalar(redis, "port"));
        Assert.Equal("{vault://env/onegate-redis-password}", KongConfig.Scalar(redis, "password"));
    }

    private static int Int(YamlMappingNode node, string key) => int.Parse(KongConfig.Scalar(node, key)!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The seed as the Transaction service is built with it (its compiled assembly, not a copy of the numbers).</summary>
    private static class TransactionSeed
    {
        private static readonly Assembly Transaction = Assembly.LoadFrom(RegulatorKeys.TransactionDll());

        public static (int Minute, int Hour, int Day) LimitsFor(string serviceCode)
        {
            var windows = (System.Collections.IEnumerable)Transaction.GetType("OneGate.Transaction.Regulators.Keys.RateLimitDefaults", throwOnError: true)!
                .GetMethod("For")!.Invoke(null, [serviceCode])!;
            var limits = windows.Cast<object>().ToDictionary(
                w => w.GetType().GetProperty("Unit")!.GetValue(w)!.ToString()!,
                w => (int)w.GetType().GetProperty("Limit")!.GetValue(w)!);
            Assert.Equal(["Day", "Hour", "Minute"], limits.Keys.Order());
            return (limits["Minute"], limits["Hour"], limits["Day"]);
        }

        public static IEnumerable<string> KnownRegulators() =>
            ((IReadOnlyDictionary<string, string>)Transaction.GetType("OneGate.Transaction.Regulators.Keys.RegulatorServices", throwOnError: true)!
                .GetField("Known")!.GetValue(null)!).Keys;
    }
}
