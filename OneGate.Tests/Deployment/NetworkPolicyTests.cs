using k8s.Models;

namespace OneGate.Tests.Deployment;

/// <summary>
/// Evaluates the rendered NetworkPolicies for every pair of workloads in the namespace (pod labels against
/// podSelectors, ports against rules), so the assertions are about who can reach whom, not about YAML.
/// </summary>
public sealed class NetworkPolicyTests
{
    private static readonly string[] Services = ["auth", "payment", "transaction", "backoffice"];

    [Theory]
    [InlineData("production", "auth", 8080, new[] { "kong", "payment", "transaction", "backoffice" })]
    [InlineData("production", "payment", 8080, new[] { "kong", "backoffice" })]
    [InlineData("production", "transaction", 8080, new[] { "kong", "backoffice" })]
    [InlineData("production", "backoffice", 8080, new[] { "kong" })]
    [InlineData("production", "postgres", 5432, new[] { "auth", "payment", "transaction", "auth-migrate", "payment-migrate", "transaction-migrate", "postgres-backup", "postgres-roles" })]
    [InlineData("production", "redis", 6379, new[] { "auth", "payment", "transaction", "kong", "backoffice" })]
    [InlineData("production", "kafka", 9092, new[] { "auth", "payment", "transaction", "kafka-topics", "kafka-exporter" })]
    [InlineData("production", "kong", 8000, new string[0])]
    [InlineData("production", "otel-collector", 4317, new[] { "auth", "payment", "transaction", "kong", "backoffice" })]
    [InlineData("dev", "payment", 8080, new[] { "kong", "backoffice", "provider-sandbox" })]
    [InlineData("dev", "provider-sandbox", 8080, new[] { "payment" })]
    [InlineData("dev", "kafka", 9092, new[] { "auth", "payment", "transaction", "kafka-topics", "kafka-exporter", "kafka-ui" })]
    [InlineData("dev", "postgres", 5432, new[] { "auth", "payment", "transaction", "auth-migrate", "payment-migrate", "transaction-migrate", "postgres-backup", "postgres-roles" })]
    public void Only_the_intended_workloads_reach_a_port(string overlay, string target, int port, string[] expected)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var pods = rendered.PodTemplates().ToDictionary(p => p.Workload.Metadata.Name, p => p.Pod.Metadata.Labels);
        var policies = rendered.All<V1NetworkPolicy>().ToList();

        var reaching = pods.Keys.Where(source => source != target && Allowed(policies, pods[source], pods[target], port)).Order();

        Assert.Equal(expected.Order(), reaching);
    }

    [Fact]
    public void The_pipelines_smoke_test_pod_reaches_the_services_http_port_and_nothing_else()
    {
        var rendered = RenderedManifests.Overlay("production");
        var pods = rendered.PodTemplates().ToDictionary(p => p.Workload.Metadata.Name, p => p.Pod.Metadata.Labels);
        var policies = rendered.All<V1NetworkPolicy>().ToList();
        var jenkinsfile = Support.RepositoryFiles.Read("Jenkinsfile");
        Assert.Contains("--labels=app.kubernetes.io/name=smoke-test", jenkinsfile, StringComparison.Ordinal);
        var smoke = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "smoke-test" };

        foreach (var service in Services)
        {
            Assert.True(Allowed(policies, smoke, pods[service], 8080), $"smoke test cannot reach {service}");
        }

        foreach (var (store, port) in new[] { ("postgres", 5432), ("redis", 6379), ("kafka", 9092), ("kong", 8100) })
        {
            Assert.False(Allowed(policies, smoke, pods[store], port), $"smoke test reaches {store}");
        }
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("production")]
    public void Kong_proxy_is_open_to_the_router_only_on_the_pod_or_the_host_network(string overlay)
    {
        var rule = RenderedManifests.Overlay(overlay).Get<V1NetworkPolicy>("kong-from-router").Spec.Ingress
            .Single(r => r.Ports.Any(p => p.Port.Value == "8000"));

        Assert.All(rule.FromProperty, from =>
        {
            Assert.Null(from.PodSelector);
            Assert.Null(from.IpBlock);
        });
        // A router on the pod network (ingress namespaces) or on the host network (HostNetwork publishing).
        Assert.Equal(
            ["policy-group.network.openshift.io/host-network", "policy-group.network.openshift.io/ingress"],
            rule.FromProperty.Select(f => Assert.Single(f.NamespaceSelector.MatchLabels))
                .Select(l => { Assert.Equal("", l.Value); return l.Key; }).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ingress_is_denied_by_default_and_data_stores_are_not_reachable_from_each_other()
    {
        var rendered = RenderedManifests.Overlay("production");
        var deny = rendered.Get<V1NetworkPolicy>("default-deny-ingress");
        Assert.Empty(deny.Spec.PodSelector.MatchLabels ?? new Dictionary<string, string>());
        Assert.Null(deny.Spec.Ingress);

        var pods = rendered.PodTemplates().ToDictionary(p => p.Workload.Metadata.Name, p => p.Pod.Metadata.Labels);
        var policies = rendered.All<V1NetworkPolicy>().ToList();
        foreach (var store in new[] { ("postgres", 5432), ("redis", 6379), ("kafka", 9092) })
        {
            foreach (var other in new[] { "postgres", "redis", "kafka", "grafana", "prometheus", "otel-collector" })
            {
                Assert.True(other == store.Item1 || !Allowed(policies, pods[other], pods[store.Item1], store.Item2), $"{other} reaches {store.Item1}");
            }

            Assert.DoesNotContain(Services, s => s == store.Item1);
        }
    }

    [Fact]
    public void The_console_sends_only_to_the_services_redis_the_collector_and_dns()
    {
        var rendered = RenderedManifests.Overlay("production");
        var pods = rendered.PodTemplates().ToDictionary(p => p.Workload.Metadata.Name, p => p.Pod.Metadata.Labels);
        var policies = rendered.All<V1NetworkPolicy>().ToList();
        var console = pods["backoffice"];
        (string Target, int Port)[] allowed = [("auth", 8080), ("payment", 8080), ("transaction", 8080), ("redis", 6379), ("otel-collector", 4317)];
        (string Target, int Port)[] refused = [("postgres", 5432), ("kafka", 9092), ("kong", 8000), ("kong", 8100), ("auth", 9090), ("redis", 8080), ("grafana", 3000), ("prometheus", 9090)];

        Assert.All(allowed, a => Assert.True(EgressAllowed(policies, console, pods[a.Target], a.Port), $"{a.Target}:{a.Port}"));
        Assert.All(refused, r => Assert.False(EgressAllowed(policies, console, pods[r.Target], r.Port), $"{r.Target}:{r.Port}"));
        var dns = policies.Single(p => p.Metadata.Name == "backoffice-egress").Spec.Egress.Single(rule => rule.To.All(peer => peer.NamespaceSelector is not null));
        Assert.Equal("openshift-dns", Assert.Single(dns.To).NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal(["53", "5353"], dns.Ports.Select(p => p.Port.Value).Distinct().Order(StringComparer.Ordinal));
        // The other workloads keep their unrestricted egress: only the console has an egress policy.
        Assert.Equal(["backoffice"], pods.Where(p => policies.Any(policy => (policy.Spec.PolicyTypes ?? []).Contains("Egress") && Matches(policy.Spec.PodSelector, p.Value))).Select(p => p.Key));
    }

    /// <summary>Egress as Kubernetes decides it (peers in this namespace only; namespace and IP peers name no pod here).</summary>
    private static bool EgressAllowed(List<V1NetworkPolicy> policies, IDictionary<string, string> source, IDictionary<string, string> target, int port)
    {
        var selecting = policies.Where(p => (p.Spec.PolicyTypes ?? []).Contains("Egress") && Matches(p.Spec.PodSelector, source)).ToList();
        return selecting.Count == 0 || selecting.Any(p => (p.Spec.Egress ?? []).Any(rule =>
            (rule.Ports is null || rule.Ports.Any(p => p.Port?.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            && (rule.To is null || rule.To.Any(peer => peer.NamespaceSelector is null && peer.IpBlock is null && Matches(peer.PodSelector, target)))));
    }

    internal static bool Allowed(List<V1NetworkPolicy> policies, IDictionary<string, string> source, IDictionary<string, string> target, int port)
    {
        var selecting = policies.Where(p => (p.Spec.PolicyTypes ?? ["Ingress"]).Contains("Ingress") && Matches(p.Spec.PodSelector, target)).ToList();
        if (selecting.Count == 0)
        {
            return true;
        }

        return selecting.Any(p => (p.Spec.Ingress ?? []).Any(rule =>
            (rule.Ports is null || rule.Ports.Any(p => p.Port?.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            && (rule.FromProperty is null || rule.FromProperty.Any(peer =>
                // Peers with a namespaceSelector or ipBlock name other namespaces, never this one's pods.
                peer.NamespaceSelector is null && peer.IpBlock is null && Matches(peer.PodSelector, source)))));
    }

    private static bool Matches(V1LabelSelector? selector, IDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return false;
        }

        var byLabels = (selector.MatchLabels ?? new Dictionary<string, string>()).All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
        var byExpressions = (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => throw new NotSupportedException(e.OperatorProperty),
        });
        return byLabels && byExpressions;
    }
}
