using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using OneGate.ServiceDefaults.Gateway;
using OneGate.Tests.Foundation;
using OneGate.Tests.Gateway;
using YamlDotNet.RepresentationModel;

namespace OneGate.Tests.Deployment;

/// <summary>
/// The Kong pod of the manifests runs the gateway as kong/kong.yml and the AppHost expect: the template and its
/// renderer mounted from the repository, the AppHost's start command, every placeholder fed (the renderer is run
/// with the pod's environment), upstreams that are Services of the base, the client-IP chain router → Kong →
/// services, and the names the pipeline and Prometheus use.
/// </summary>
public sealed partial class KongDeploymentTests(ContainersModeManifestTests.Manifest manifest) : IClassFixture<ContainersModeManifestTests.Manifest>
{
    private static readonly string[] BehindKong = ["auth", "payment", "transaction"];

    private readonly JsonElement appHostKong = manifest.Resources.GetProperty("kong");

    public static TheoryData<string> AllOverlays => new(RenderedManifests.Overlays);

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Kong_mounts_the_repository_template_and_an_executable_renderer(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var (container, config, mountPath) = KongWithConfig(rendered);

        Assert.Equal("kong-config", RenderedManifests.HashedName(config.Metadata.Name));
        foreach (var file in new[] { "kong.yml", "render-config.sh", "error-template.json" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(RenderedManifests.RepositoryRoot, "kong", file)), config.Data[file]);
        }

        Assert.True(container.VolumeMounts.Single(m => m.MountPath == mountPath).ReadOnlyProperty);
        // ConfigMap files belong to root and OpenShift runs Kong under a random UID: "other" must be able to run the script.
        var mode = KongPod(rendered).Volumes.Single(v => v.ConfigMap?.Name == config.Metadata.Name).ConfigMap.DefaultMode ?? 420;
        Assert.True((mode & 5) == 5, $"render-config.sh is mounted with mode {Convert.ToString(mode, 8)}, not readable and executable by any UID");

        Assert.StartsWith($"{mountPath}/render-config.sh {mountPath}/kong.yml \"$KONG_DECLARATIVE_CONFIG\" && ", container.Args[^1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Kong_starts_with_the_apphost_command_and_kong_settings(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var container = KongContainer(rendered);
        var env = rendered.EnvironmentOf(container);

        Assert.Equal([appHostKong.GetProperty("entrypoint").GetString()!], container.Command);
        Assert.Equal(appHostKong.GetProperty("args").EnumerateArray().Select(a => a.GetString()!), container.Args);

        var appHostEnv = appHostKong.GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        foreach (var (name, value) in appHostEnv.Where(e => e.Key.StartsWith("KONG_", StringComparison.Ordinal)))
        {
            Assert.True(env.TryGetValue(name, out var actual), $"the AppHost sets {name} for Kong; the manifests do not");
            Assert.Equal(value, actual);
        }

        Assert.Equal(appHostEnv.Keys.Where(k => k.StartsWith("ONEGATE_", StringComparison.Ordinal)).Order(),
            env.Keys.Where(k => k.StartsWith("ONEGATE_", StringComparison.Ordinal)).Order());
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void The_renderer_fills_every_placeholder_from_the_pod_environment(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var (container, config, _) = KongWithConfig(rendered);
        var secretRefs = new List<string>();
        var env = rendered.EnvironmentOf(container, secretRefs);
        // A whole-Secret envFrom would hide which variables the pod really has.
        Assert.Empty(secretRefs);

        var template = config.Data["kong.yml"];
        var placeholders = Placeholder().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("ONEGATE_AUTH_JWT_PUBLIC_KEY", placeholders);
        foreach (var name in placeholders)
        {
            Assert.True(env.TryGetValue(name, out var value) && value.Length > 0, $"kong.yml uses ${{{name}}}; the Kong pod does not set it");
        }

        // Kong's env vault: {vault://env/onegate-redis-password} is the variable ONEGATE_REDIS_PASSWORD.
        var vaultVariables = EnvVault().Matches(template).Select(m => m.Groups[1].Value.ToUpperInvariant().Replace('-', '_')).ToHashSet();
        Assert.NotEmpty(vaultVariables);
        foreach (var name in vaultVariables)
        {
            Assert.True(env.TryGetValue(name, out var value) && value.Length > 0, $"kong.yml reads {{vault://env/...}} {name}; the Kong pod does not set it");
        }

        // The mounted renderer, run with only the pod's variables (Secrets' values made up; a real public key).
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = key.ExportSubjectPublicKeyInfoPem();
        var values = env.ToDictionary(e => e.Key, e => e.Value == "secret:auth-signing-key/public-key.pem" ? publicKey
            : e.Value.StartsWith("secret:", StringComparison.Ordinal) ? $"test-{e.Value[7..]}" : e.Value);
        var output = RunRenderer(config, values);

        Assert.DoesNotContain("${", output, StringComparison.Ordinal);
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        var consumers = KongConfig.Sequence((YamlMappingNode)stream.Documents.Single().RootNode, "consumers");
        var jwt = KongConfig.Sequence(consumers.Single(c => KongConfig.Scalar(c, "username") == "onegate-auth"), "jwt_secrets").Single();
        Assert.Equal(publicKey, KongConfig.Scalar(jwt, "rsa_public_key"));
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Kong_checks_the_key_auth_signs_with_and_uses_the_redis_password_redis_has(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var kong = rendered.EnvironmentOf(KongContainer(rendered));
        var auth = rendered.EnvironmentOf(rendered.PodOf("auth").Spec.Containers.Single());
        var redis = rendered.EnvironmentOf(rendered.PodOf("redis").Spec.Containers.Single());

        Assert.Equal(auth["Auth__Signing__Keys__0__KeyId"], kong["ONEGATE_AUTH_JWT_KEY_ID"]);
        // The public half lives in the same Secret as the private key, so the two are created (and rotated) together.
        var privateKeySecret = auth["Auth__Signing__Keys__0__PrivateKeyPem"].Split('/')[0];
        Assert.StartsWith(privateKeySecret + "/", kong["ONEGATE_AUTH_JWT_PUBLIC_KEY"], StringComparison.Ordinal);
        Assert.NotEqual(auth["Auth__Signing__Keys__0__PrivateKeyPem"], kong["ONEGATE_AUTH_JWT_PUBLIC_KEY"]);
        Assert.DoesNotContain(kong.Values, v => v == auth["Auth__Signing__Keys__0__PrivateKeyPem"]);
        // Kong's own Redis ACL user (onegate-kong, its rate-limiting keys only), never the admin password.
        Assert.Equal(redis["REDIS_PASSWORD_ONEGATE_KONG"], kong["ONEGATE_REDIS_PASSWORD"]);
        Assert.NotEqual(redis["REDIS_PASSWORD"], kong["ONEGATE_REDIS_PASSWORD"]);
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Kong_gets_no_regulator_key(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var kong = rendered.EnvironmentOf(KongContainer(rendered));

        // The Transaction service holds the keys (as hashes) and checks them; Kong's pod reads none.
        Assert.DoesNotContain(kong.Keys, name => name.Contains("REGULATOR", StringComparison.Ordinal) || name.Contains("API_KEY", StringComparison.Ordinal));
        Assert.DoesNotContain(kong.Values, value => value.StartsWith("secret:regulator-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Kong_renders_its_own_errors_with_the_repository_problem_template(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var (container, config, mountPath) = KongWithConfig(rendered);
        var env = rendered.EnvironmentOf(container);

        var templatePath = env["KONG_ERROR_TEMPLATE_JSON"];
        Assert.StartsWith(mountPath + "/", templatePath, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(RenderedManifests.RepositoryRoot, GatewayConfigTests.KongErrorTemplate)), config.Data[templatePath[(mountPath.Length + 1)..]]);
        // Errors nginx raises (502, 504, ...) are JSON even for a client that sends no Accept header.
        Assert.Equal("application/json", env["KONG_ERROR_DEFAULT_TYPE"]);
    }

    [Fact]
    public void Every_upstream_and_the_rate_limit_redis_of_kong_yml_is_a_service_of_the_base_that_kong_may_reach()
    {
        var rendered = RenderedManifests.Of("base");
        var config = KongConfig.Load();
        var targets = config.Services.Select(s => new Uri(KongConfig.Scalar(s, "url")!)).Select(u => (u.Host, u.Port)).ToList();
        foreach (var plugin in config.AllPlugins().Where(p => KongConfig.Scalar(p, "name") == "rate-limiting"))
        {
            var redis = (YamlMappingNode)KongConfig.Config(plugin).Children[new YamlScalarNode("redis")];
            targets.Add((KongConfig.Scalar(redis, "host")!, int.Parse(KongConfig.Scalar(redis, "port")!, CultureInfo.InvariantCulture)));
        }

        Assert.Contains(("redis", 6379), targets);
        var kongLabels = KongPod(rendered, out var _).Metadata.Labels;
        var policies = rendered.All<V1NetworkPolicy>().ToList();
        foreach (var (host, port) in targets.Distinct())
        {
            var service = rendered.All<V1Service>().SingleOrDefault(s => s.Metadata.Name == host);
            Assert.True(service is not null, $"kong.yml sends to {host}:{port}; manifests/base has no Service {host}");
            var servicePort = service.Spec.Ports.SingleOrDefault(p => p.Port == port);
            Assert.True(servicePort is not null, $"Service {host} has no port {port}");

            var (workload, pod) = rendered.PodTemplates().Single(p => service.Spec.Selector.All(s => p.Pod.Metadata.Labels.TryGetValue(s.Key, out var v) && v == s.Value));
            var containerPort = pod.Spec.Containers.SelectMany(c => c.Ports ?? []).Single(p =>
                servicePort.TargetPort.Value == p.Name || servicePort.TargetPort.Value == p.ContainerPort.ToString(CultureInfo.InvariantCulture)).ContainerPort;
            Assert.True(NetworkPolicyTests.Allowed(policies, kongLabels, pod.Metadata.Labels, containerPort),
                $"the NetworkPolicies keep Kong from {workload.Metadata.Name}:{containerPort} ({host}:{port})");
        }
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Kong_believes_x_forwarded_for_only_from_where_the_router_connects(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var env = rendered.EnvironmentOf(KongContainer(rendered));

        Assert.Equal("X-Forwarded-For", env["KONG_REAL_IP_HEADER"]);
        Assert.Equal("off", env["KONG_REAL_IP_RECURSIVE"]);
        var trusted = env["KONG_TRUSTED_IPS"].Split(',', StringSplitOptions.TrimEntries);
        Assert.All(trusted, AssertNarrowNetwork);
        var networks = trusted.Select(System.Net.IPNetwork.Parse).ToList();
        // The pod network (where the services expect Kong, and where router pods and OVN-Kubernetes' host-network
        // traffic come from), and the nodes' own network (host-network routers without the overlay).
        var podNetworks = ServiceKnownNetworks(rendered).ToList();
        Assert.NotEmpty(podNetworks);
        Assert.All(podNetworks, pod => Assert.Contains(networks, n => Covers(n, pod)));
        Assert.Contains(networks, n => !podNetworks.Any(pod => Covers(pod, n) || Covers(n, pod)));
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Services_believe_the_client_ip_in_kongs_header_only_from_kongs_network(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        foreach (var service in BehindKong)
        {
            var env = rendered.EnvironmentOf(rendered.PodOf(service).Spec.Containers.Single());
            // Bound as the service binds it (environment variables: "__" is the section separator).
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(
                env.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value))).Build();
            var settings = configuration.GetSection(GatewayForwardedHeadersSettings.Section).Get<GatewayForwardedHeadersSettings>() ?? new();

            Assert.True(settings.Enabled, $"{service} does not know Kong ({GatewayForwardedHeadersSettings.Section})");
            Assert.Empty(settings.KnownProxies); // pod addresses change with every rollout
            Assert.All(settings.KnownNetworks, AssertNarrowNetwork);
            // Kong sets X-Real-IP to the client it settled on (and overwrites a client's own).
            Assert.Equal("X-Real-IP", settings.HeaderName);
        }
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void The_route_the_pipeline_reads_leads_to_kongs_proxy_port(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var jenkinsfile = File.ReadAllText(Path.Combine(RenderedManifests.RepositoryRoot, "Jenkinsfile"));
        var routeName = JenkinsRoute().Match(jenkinsfile).Groups[1].Value;
        Assert.Contains("kong", JenkinsRollouts().Match(jenkinsfile).Groups[1].Value.Split(' '));

        var route = rendered.All<Route>().SingleOrDefault(r => r.Metadata.Name == routeName);
        Assert.True(route is not null, $"the Jenkinsfile reads Route '{routeName}'; {overlay} has none");
        var service = rendered.Get<V1Service>(route.Spec.To.Name);
        var target = route.Spec.Port?.TargetPort?.Value;
        Assert.NotNull(target);
        var port = service.Spec.Ports.Single(p => p.Name == target || p.Port.ToString(CultureInfo.InvariantCulture) == target);
        var env = rendered.EnvironmentOf(KongContainer(rendered));
        Assert.Equal(ListenPort(env["KONG_PROXY_LISTEN"]), ContainerPort(rendered, port));
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Prometheus_scrapes_every_kong_pod_on_its_status_port(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var stream = new YamlStream();
        stream.Load(new StringReader(rendered.ConfigMap("prometheus-config").Data["prometheus.yaml"]));
        var job = KongConfig.Sequence((YamlMappingNode)stream.Documents.Single().RootNode, "scrape_configs").Single(j => KongConfig.Scalar(j, "job_name") == "kong");
        var dns = KongConfig.Sequence(job, "dns_sd_configs").Single();
        var statusPort = ListenPort(rendered.EnvironmentOf(KongContainer(rendered))["KONG_STATUS_LISTEN"]);

        Assert.Equal("/metrics", KongConfig.Scalar(job, "metrics_path"));
        Assert.Equal("A", KongConfig.Scalar(dns, "type"));
        Assert.Equal(statusPort, int.Parse(KongConfig.Scalar(dns, "port")!, CultureInfo.InvariantCulture));
        // A headless Service's name resolves to each ready pod behind it.
        var service = rendered.Get<V1Service>(KongConfig.Strings(dns, "names").Single());
        Assert.Equal("None", service.Spec.ClusterIP);
        var kong = KongPod(rendered, out _);
        Assert.All(service.Spec.Selector, s => Assert.Equal(s.Value, kong.Metadata.Labels[s.Key]));
        var prometheus = rendered.PodOf("prometheus").Metadata.Labels;
        Assert.True(NetworkPolicyTests.Allowed(rendered.All<V1NetworkPolicy>().ToList(), prometheus, kong.Metadata.Labels, statusPort));
    }

    private static bool Covers(System.Net.IPNetwork outer, System.Net.IPNetwork inner) =>
        outer.PrefixLength <= inner.PrefixLength && outer.Contains(inner.BaseAddress);

    private static IEnumerable<System.Net.IPNetwork> ServiceKnownNetworks(RenderedManifests rendered) =>
        BehindKong.SelectMany(service => rendered.EnvironmentOf(rendered.PodOf(service).Spec.Containers.Single())
                .Where(e => e.Key.StartsWith("OneGate__ForwardedHeaders__KnownNetworks__", StringComparison.Ordinal))
                .Select(e => System.Net.IPNetwork.Parse(e.Value)))
            .Distinct();

    private static void AssertNarrowNetwork(string cidr)
    {
        var network = System.Net.IPNetwork.Parse(cidr);
        // Trusting every address would let any client choose its own IP.
        Assert.True(network.PrefixLength >= 8, $"{cidr} trusts too much");
        Assert.False(network.BaseAddress.Equals(IPAddress.Any) || network.BaseAddress.Equals(IPAddress.IPv6Any), cidr);
    }

    private static V1PodTemplateSpec KongPod(RenderedManifests rendered, out V1Deployment deployment)
    {
        deployment = rendered.Get<V1Deployment>("kong");
        return deployment.Spec.Template;
    }

    private static V1PodSpec KongPod(RenderedManifests rendered) => KongPod(rendered, out _).Spec;

    private static V1Container KongContainer(RenderedManifests rendered) => KongPod(rendered).Containers.Single(c => c.Name == "kong");

    private static (V1Container Container, V1ConfigMap Config, string MountPath) KongWithConfig(RenderedManifests rendered)
    {
        var pod = KongPod(rendered);
        var container = KongContainer(rendered);
        var volume = pod.Volumes.Single(v => v.ConfigMap is not null && RenderedManifests.HashedName(v.ConfigMap.Name) == "kong-config");
        var config = rendered.All<V1ConfigMap>().Single(c => c.Metadata.Name == volume.ConfigMap.Name);
        return (container, config, container.VolumeMounts.Single(m => m.Name == volume.Name).MountPath);
    }

    private static int ContainerPort(RenderedManifests rendered, V1ServicePort port) =>
        KongContainer(rendered).Ports.Single(p => p.Name == port.TargetPort.Value || p.ContainerPort.ToString(CultureInfo.InvariantCulture) == port.TargetPort.Value).ContainerPort;

    private static int ListenPort(string listen) => int.Parse(listen.Split(',')[0].Trim().Split(' ')[0].Split(':')[^1], CultureInfo.InvariantCulture);

    /// <summary>Runs the ConfigMap's render-config.sh on its kong.yml with exactly <paramref name="environment"/> (plus PATH).</summary>
    private static string RunRenderer(V1ConfigMap config, Dictionary<string, string> environment)
    {
        var directory = Directory.CreateTempSubdirectory("onegate-kong-render-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "kong.yml"), config.Data["kong.yml"]);
            File.WriteAllText(Path.Combine(directory, "render-config.sh"), config.Data["render-config.sh"]);
            var output = Path.Combine(directory, "out", "kong.yml");
            var start = new ProcessStartInfo("sh", [Path.Combine(directory, "render-config.sh"), Path.Combine(directory, "kong.yml"), output])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            start.Environment.Clear();
            start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"render-config.sh failed with the pod's environment: {stderr.Result}");
            return File.ReadAllText(output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The renderer's placeholder syntax (render-config.sh's awk pattern).</summary>
    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{vault://env/([a-zA-Z0-9_-]+)\}")]
    private static partial Regex EnvVault();

    [GeneratedRegex(@"oc get route (\S+)")]
    private static partial Regex JenkinsRoute();

    [GeneratedRegex(@"for service in \$SERVICES ([a-z ]+); do\s+oc rollout status")]
    private static partial Regex JenkinsRollouts();
}
