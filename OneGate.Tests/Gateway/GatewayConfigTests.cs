using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace OneGate.Tests.Gateway;

/// <summary>
/// Kong is not runnable on this machine, so kong/kong.yml is checked statically. The config is compared with the
/// contract (docs/api.md) in both directions, the regulator limits with the Transaction service's compiled seed,
/// and the plugins with the services' own limits. The renderer that fills in the secrets is run for real.
/// No app boot.
/// </summary>
public sealed class GatewayConfigTests
{
    private static readonly IReadOnlyList<ContractEndpoint> Contract = ApiContract.Endpoints();
    private readonly KongConfig kong = KongConfig.Load();
    private readonly IReadOnlyList<KongRoute> routes;

    public GatewayConfigTests() => routes = kong.Routes();

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
            Assert.Equal(endpoint.Auth == ContractAuth.ApiKey, route.Has("key-auth"));
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
        var limit = KongConfig.Config(routes.Single(r => r.Name == "auth-public").Plugins.Single(p => KongConfig.Scalar(p, "name") == "rate-limiting"));

        Assert.Equal("ip", KongConfig.Scalar(limit, "limit_by"));
        Assert.Equal("redis", KongConfig.Scalar(limit, "policy"));
        // Above Auth's own per-client limits (10 registrations an hour, 20 failed logins in 15 minutes), so a person
        // gets Auth's TOO_MANY_ATTEMPTS, not Kong's answer.
        Assert.InRange(Int(limit, "minute"), 21, 1000);
        Assert.InRange(Int(limit, "hour"), Int(limit, "minute"), 100_000);
        var redis = (YamlMappingNode)limit.Children[new YamlScalarNode("redis")];
        Assert.Equal("{vault://env/onegate-redis-password}", KongConfig.Scalar(redis, "password"));
    }

    [Theory]
    [InlineData("bank-indonesia", "BANK_INDONESIA", "Bank Indonesia")]
    [InlineData("ojk", "OJK", "OJK")]
    public void Regulator_limits_in_kong_equal_the_seed_of_the_transaction_service_and_the_contract(string consumer, string serviceCode, string contractName)
    {
        var seed = TransactionSeed.LimitsFor(serviceCode);
        Assert.Equal(ApiContract.RegulatorLimits(contractName), seed);

        var kongConsumer = kong.Consumers.Single(c => KongConfig.Scalar(c, "username") == consumer);
        Assert.Equal(serviceCode, KongConfig.Scalar(kongConsumer, "custom_id"));
        var limit = KongConfig.Config(KongConfig.Sequence(kongConsumer, "plugins").Single(p => KongConfig.Scalar(p, "name") == "rate-limiting"));

        Assert.Equal(seed, (Int(limit, "minute"), Int(limit, "hour"), Int(limit, "day")));
        Assert.Equal("consumer", KongConfig.Scalar(limit, "limit_by"));
        Assert.Equal("redis", KongConfig.Scalar(limit, "policy"));
        var redis = (YamlMappingNode)limit.Children[new YamlScalarNode("redis")];
        Assert.Equal("redis", KongConfig.Scalar(redis, "host"));
        Assert.Equal("6379", KongConfig.Scalar(redis, "port"));
        Assert.Equal("{vault://env/onegate-redis-password}", KongConfig.Scalar(redis, "password"));
    }

    [Fact]
    public void Every_known_regulator_has_a_kong_consumer_whose_key_is_not_in_the_file()
    {
        var consumers = kong.Consumers.Where(c => KongConfig.Sequence(c, "keyauth_credentials").Any()).ToList();

        Assert.Equal(TransactionSeed.KnownRegulators().Order(), consumers.Select(c => KongConfig.Scalar(c, "custom_id")!).Order());
        Assert.All(consumers.SelectMany(c => KongConfig.Sequence(c, "keyauth_credentials")),
            credential => Assert.Matches(@"^\$\{ONEGATE_REGULATOR_[A-Z]+_API_KEY\}$", KongConfig.Scalar(credential, "key")));

        var keyAuth = KongConfig.Config(routes.Single(r => r.Name == "regulator-api").Plugins.Single(p => KongConfig.Scalar(p, "name") == "key-auth"));
        Assert.Equal(["X-API-Key"], KongConfig.Strings(keyAuth, "key_names"));
        Assert.Equal("false", KongConfig.Scalar(keyAuth, "key_in_query"));
        // The Transaction service re-checks the key and logs the access: Kong must pass it on.
        Assert.Equal("false", KongConfig.Scalar(keyAuth, "hide_credentials"));
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

        var strip = string.Join('\n', KongConfig.Strings(KongConfig.Config(kong.GlobalPlugin("pre-function")), "access"));
        foreach (var prefix in new[] { "\"x-consumer-\"", "\"x-credential-\"", "\"x-anonymous-\"", "\"x-onegate-\"", "\"forwarded\"" })
        {
            Assert.Contains(prefix, strip, StringComparison.Ordinal);
        }

        var correlation = KongConfig.Config(kong.GlobalPlugin("correlation-id"));
        Assert.Equal("X-Request-Id", KongConfig.Scalar(correlation, "header_name"));
        Assert.Equal("true", KongConfig.Scalar(correlation, "echo_downstream"));
        Assert.NotNull(kong.GlobalPlugin("prometheus"));
    }

    [Fact]
    public void Browsers_get_cors_for_the_web_origin_on_user_routes_only()
    {
        foreach (var route in routes)
        {
            var isRegulator = route.Has("key-auth");
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
            var consumers = rendered.Consumers.ToDictionary(c => KongConfig.Scalar(c, "username")!);
            var jwtSecret = KongConfig.Sequence(consumers["onegate-auth"], "jwt_secrets").Single();
            Assert.Equal(publicKey, KongConfig.Scalar(jwtSecret, "rsa_public_key"));
            Assert.Equal("onegate-test-1", KongConfig.Scalar(jwtSecret, "key"));
            Assert.Equal(environment["ONEGATE_REGULATOR_BI_API_KEY"],
                KongConfig.Scalar(KongConfig.Sequence(consumers["bank-indonesia"], "keyauth_credentials").Single(), "key"));
            Assert.Equal(environment["ONEGATE_REGULATOR_OJK_API_KEY"],
                KongConfig.Scalar(KongConfig.Sequence(consumers["ojk"], "keyauth_credentials").Single(), "key"));
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
        environment["ONEGATE_REGULATOR_OJK_API_KEY"] = "";
        var output = Path.Combine(Directory.CreateTempSubdirectory("onegate-kong-").FullName, "kong.yml");
        try
        {
            var (exit, error) = await RenderAsync(output, environment);

            Assert.NotEqual(0, exit);
            Assert.Contains("ONEGATE_REGULATOR_OJK_API_KEY is not set", error, StringComparison.Ordinal);
            Assert.False(File.Exists(output));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    private static Dictionary<string, string> RenderEnvironment(string publicKey) => new()
    {
        ["ONEGATE_AUTH_JWT_KEY_ID"] = "onegate-test-1",
        ["ONEGATE_AUTH_JWT_PUBLIC_KEY"] = publicKey,
        // Characters YAML would mis-read if the renderer did not escape them.
        ["ONEGATE_REGULATOR_BI_API_KEY"] = "og_live_\"quoted\\back\\slash\" #not-a-comment: x",
        ["ONEGATE_REGULATOR_OJK_API_KEY"] = "og_live_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["ONEGATE_WEB_ORIGIN"] = "https://app.onegate.test",
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
