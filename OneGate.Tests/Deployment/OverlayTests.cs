using k8s;
using k8s.Models;

namespace OneGate.Tests.Deployment;

/// <summary>What every overlay must render: namespaces, sizes, probes, security, routes, secrets by reference only.</summary>
public sealed class OverlayTests
{
    public static TheoryData<string> AllOverlays => new(RenderedManifests.Overlays);

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Overlay_renders_and_every_object_loads_strictly_into_its_namespace(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);

        Assert.NotEmpty(rendered.Objects);
        foreach (var o in rendered.Objects.Cast<IKubernetesObject<V1ObjectMeta>>())
        {
            Assert.Equal(RenderedManifests.Namespaces[overlay], o.Metadata.NamespaceProperty);
            Assert.Equal("onegate", o.Metadata.Labels?["app.kubernetes.io/part-of"]);
        }
    }

    [Fact]
    public void Strict_loading_rejects_an_unknown_field()
    {
        const string yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicaz: 2}\n";

        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(yaml, strict: true));
    }

    [Theory]
    [InlineData("auth", "200m", "256Mi", "500m", "512Mi", 2, 10)]
    [InlineData("payment", "300m", "512Mi", "1", "1Gi", 3, 15)]
    [InlineData("transaction", "200m", "256Mi", "500m", "512Mi", 2, 8)]
    public void Services_have_the_seed_sizes_probes_rolling_updates_and_hpa(string service, string cpuRequest, string memoryRequest,
        string cpuLimit, string memoryLimit, int minReplicas, int maxReplicas)
    {
        foreach (var overlay in new[] { "staging", "production" })
        {
            var rendered = RenderedManifests.Overlay(overlay);
            var deployment = rendered.Get<V1Deployment>(service);
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);

            Assert.Equal(new ResourceQuantity(cpuRequest), container.Resources.Requests["cpu"]);
            Assert.Equal(new ResourceQuantity(memoryRequest), container.Resources.Requests["memory"]);
            Assert.Equal(new ResourceQuantity(cpuLimit), container.Resources.Limits["cpu"]);
            Assert.Equal(new ResourceQuantity(memoryLimit), container.Resources.Limits["memory"]);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
            Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);

            var hpa = rendered.Get<V2HorizontalPodAutoscaler>(service);
            Assert.Equal(service, hpa.Spec.ScaleTargetRef.Name);
            Assert.Equal(minReplicas, hpa.Spec.MinReplicas);
            Assert.Equal(maxReplicas, hpa.Spec.MaxReplicas);
            var cpu = Assert.Single(hpa.Spec.Metrics);
            Assert.Equal("cpu", cpu.Resource.Name);
            Assert.Equal(70, cpu.Resource.Target.AverageUtilization);
        }
    }

    [Theory]
    [InlineData("postgres", "data", "20Gi")]
    [InlineData("redis", "data", "2Gi")]
    [InlineData("kafka", "data", "20Gi")]
    public void Data_stores_are_stateful_sets_with_volume_claims(string name, string claim, string size)
    {
        var set = RenderedManifests.Overlay("production").Get<V1StatefulSet>(name);

        var template = Assert.Single(set.Spec.VolumeClaimTemplates);
        Assert.Equal(claim, template.Metadata.Name);
        Assert.Equal(new ResourceQuantity(size), template.Spec.Resources.Requests["storage"]);
    }

    [Fact]
    public void Data_stores_have_the_seed_settings()
    {
        var rendered = RenderedManifests.Overlay("production");
        var postgres = Assert.Single(rendered.Get<V1StatefulSet>("postgres").Spec.Template.Spec.Containers);
        Assert.Equal(new ResourceQuantity("2Gi"), postgres.Resources.Limits["memory"]);
        Assert.Equal(new ResourceQuantity("1"), postgres.Resources.Limits["cpu"]);

        var redis = Assert.Single(rendered.Get<V1StatefulSet>("redis").Spec.Template.Spec.Containers);
        Assert.Equal(new ResourceQuantity("512Mi"), redis.Resources.Limits["memory"]);
        Assert.Contains("--maxmemory-policy allkeys-lru", string.Join(' ', redis.Args), StringComparison.Ordinal);

        var kafka = rendered.EnvironmentOf(Assert.Single(rendered.Get<V1StatefulSet>("kafka").Spec.Template.Spec.Containers));
        Assert.Equal("3", kafka["KAFKA_NUM_PARTITIONS"]);
        Assert.Equal("1", kafka["KAFKA_DEFAULT_REPLICATION_FACTOR"]);
        Assert.Equal("false", kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"]);
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Every_pod_is_restricted_scc_compatible(string overlay)
    {
        foreach (var (workload, pod) in RenderedManifests.Overlay(overlay).PodTemplates())
        {
            var name = workload.Metadata.Name;
            Assert.True(pod.Spec.SecurityContext?.RunAsNonRoot == true, $"{name}: runAsNonRoot");
            Assert.Equal("RuntimeDefault", pod.Spec.SecurityContext.SeccompProfile?.Type);
            // OpenShift assigns the UID from the namespace's range; a fixed one would be refused.
            Assert.Null(pod.Spec.SecurityContext.RunAsUser);
            Assert.False(pod.Spec.HostNetwork ?? false, name);
            foreach (var container in pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []))
            {
                var security = container.SecurityContext;
                Assert.True(security?.AllowPrivilegeEscalation == false, $"{name}/{container.Name}: allowPrivilegeEscalation");
                Assert.Equal(["ALL"], security.Capabilities?.Drop ?? []);
                Assert.Null(security.Capabilities?.Add);
                Assert.Null(security.Privileged);
                Assert.Null(security.RunAsUser);
                Assert.NotNull(container.Resources?.Limits);
                Assert.NotNull(container.Resources?.Requests);
                // Kafka's image writes its generated config under /opt/kafka at start; everything else is read-only.
                Assert.True(security.ReadOnlyRootFilesystem == true || container.Name == "kafka",
                    $"{name}/{container.Name}: readOnlyRootFilesystem");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Every_workload_has_its_own_service_account_without_rbac(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var accounts = rendered.All<V1ServiceAccount>().ToDictionary(a => a.Metadata.Name);

        var used = new Dictionary<string, string>();
        foreach (var (workload, pod) in rendered.PodTemplates())
        {
            var account = pod.Spec.ServiceAccountName;
            Assert.True(accounts.ContainsKey(account ?? ""), $"{workload.Metadata.Name} uses no declared ServiceAccount");
            Assert.True(used.TryAdd(account!, workload.Metadata.Name), $"{account} is shared by {used.GetValueOrDefault(account!)} and {workload.Metadata.Name}");
            Assert.False(pod.Spec.AutomountServiceAccountToken ?? true, $"{workload.Metadata.Name} mounts an API token");
            Assert.False(accounts[account!].AutomountServiceAccountToken ?? true);
        }

        // No workload talks to the Kubernetes API, so none is granted anything.
        Assert.Empty(rendered.All<V1Role>());
        Assert.Empty(rendered.All<V1RoleBinding>());
        Assert.Empty(rendered.All<V1ClusterRole>());
        Assert.Empty(rendered.All<V1ClusterRoleBinding>());
    }

    [Theory]
    [InlineData("dev", "api-dev.skynux.fun", "backoffice-dev.skynux.fun")]
    [InlineData("staging", "api-staging.skynux.fun", "backoffice-staging.skynux.fun")]
    [InlineData("production", "api.skynux.fun", "backoffice.skynux.fun")]
    public void Only_kong_has_routes_with_edge_tls_the_api_host_and_the_consoles_own_host(string overlay, string host, string backofficeHost)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var routes = rendered.All<Route>().ToDictionary(r => r.Metadata.Name);

        Assert.Equal(["kong", "kong-backoffice"], routes.Keys.Order());
        Assert.Equal(host, routes["kong"].Spec.Host);
        Assert.Equal(backofficeHost, routes["kong-backoffice"].Spec.Host);
        // Kong answers the console on that host alone (kong.yml's backoffice routes), and the router lets only the
        // operators' network reach it.
        Assert.Equal(backofficeHost, rendered.ConfigMap("kong-env").Data["ONEGATE_BACKOFFICE_HOST"]);
        Assert.Equal(rendered.ConfigMap("kong-env").Data["ONEGATE_BACKOFFICE_ALLOWED_NETWORK"],
            routes["kong-backoffice"].Metadata.Annotations["haproxy.router.openshift.io/ip_whitelist"]);
        foreach (var route in routes.Values)
        {
            Assert.Equal("kong-proxy", route.Spec.To.Name);
            Assert.Equal("edge", route.Spec.Tls?.Termination);
            Assert.Equal("Redirect", route.Spec.Tls?.InsecureEdgeTerminationPolicy);
        }
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Secrets_are_referenced_never_committed_and_all_documented(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        Assert.Empty(rendered.All<V1Secret>());

        var readme = File.ReadAllText(Path.Combine(RenderedManifests.RepositoryRoot, "manifests", "README.md"));
        foreach (var (workload, pod) in rendered.PodTemplates())
        {
            var references = new List<string>();
            foreach (var container in pod.Spec.Containers)
            {
                references.AddRange(rendered.EnvironmentOf(container, references).Values
                    .Where(v => v.StartsWith("secret:", StringComparison.Ordinal)).Select(v => v["secret:".Length..]));
            }

            references.AddRange((pod.Spec.Volumes ?? []).Where(v => v.Secret is not null).Select(v => v.Secret.SecretName));
            foreach (var reference in references.Distinct())
            {
                // name/key pairs appear in the README's secrets table as `name` ... `key`.
                var (name, key) = reference.Split('/') is [var n, var k] ? (n, k) : (reference, null);
                Assert.True(readme.Contains($"`{name}`", StringComparison.Ordinal), $"{workload.Metadata.Name}: secret {name} is not documented");
                Assert.True(key is null || readme.Contains($"`{key}`", StringComparison.Ordinal), $"{workload.Metadata.Name}: key {key} of {name} is not documented");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Each_service_runs_its_own_image_from_the_namespace_registry(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        foreach (var service in new[] { "auth", "payment", "transaction", "backoffice" })
        {
            var container = Assert.Single(rendered.PodOf(service).Spec.Containers);
            Assert.Equal(service, container.Name); // the pipeline's `oc set image deployment/NAME NAME=...`
            Assert.Equal($"image-registry.openshift-image-registry.svc:5000/{RenderedManifests.Namespaces[overlay]}/onegate-{service}:latest", container.Image);
        }
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("production")]
    public void Postgres_requires_verified_tls_in_staging_and_production(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var ns = RenderedManifests.Namespaces[overlay];

        foreach (var service in new[] { "auth", "payment", "transaction" })
        {
            var connection = rendered.EnvironmentOf(Assert.Single(rendered.PodOf(service).Spec.Containers))["ConnectionStrings__onegate"];
            Assert.Contains($"Host=postgres.{ns}.svc;", connection, StringComparison.Ordinal);
            Assert.Contains("SSL Mode=VerifyFull;Root Certificate=/etc/onegate/service-ca/service-ca.crt", connection, StringComparison.Ordinal);
            Assert.Contains(rendered.PodOf(service).Spec.Containers[0].VolumeMounts, m => m.MountPath == "/etc/onegate/service-ca");
        }

        var postgres = rendered.PodOf("postgres").Spec;
        var args = string.Join(' ', postgres.Containers[0].Args);
        Assert.Contains("ssl=on", args, StringComparison.Ordinal);
        Assert.Contains("hba_file=/etc/postgres-hba/pg_hba.conf", args, StringComparison.Ordinal);
        var hba = rendered.ConfigMap("postgres-hba").Data["pg_hba.conf"].Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.DoesNotContain(hba, l => l.StartsWith("host ", StringComparison.Ordinal) || l.StartsWith("hostnossl", StringComparison.Ordinal));
        Assert.Contains(hba, l => l.StartsWith("hostssl", StringComparison.Ordinal));
        Assert.Equal("postgres-tls", rendered.Get<V1Service>("postgres").Metadata.Annotations["service.beta.openshift.io/serving-cert-secret-name"]);
        Assert.Equal("true", rendered.Get<V1ConfigMap>("service-ca").Metadata.Annotations["service.beta.openshift.io/inject-cabundle"]);

        var backup = rendered.EnvironmentOf(Assert.Single(rendered.PodOf("postgres-backup").Spec.Containers));
        Assert.Equal("verify-full", backup["PGSSLMODE"]);
        Assert.Equal($"postgres.{ns}.svc", backup["PGHOST"]);
    }

    [Fact]
    public void Dev_uses_the_sandbox_and_kafka_ui_which_other_overlays_do_not_deploy()
    {
        var dev = RenderedManifests.Overlay("dev");
        var payment = dev.EnvironmentOf(Assert.Single(dev.PodOf("payment").Spec.Containers));
        Assert.Equal("http://provider-sandbox:8080", payment["Providers__GoPay__BaseUrl"]);
        Assert.Equal("http://provider-sandbox:8080", payment["Providers__ShopeePay__BaseUrl"]);
        Assert.Contains("SSL Mode=Prefer", payment["ConnectionStrings__onegate"], StringComparison.Ordinal);
        dev.Get<V1Deployment>("kafka-ui");

        foreach (var overlay in new[] { "staging", "production" })
        {
            var rendered = RenderedManifests.Overlay(overlay);
            Assert.DoesNotContain(rendered.PodTemplates(), p => p.Workload.Metadata.Name is "kafka-ui" or "provider-sandbox");
            var env = rendered.EnvironmentOf(Assert.Single(rendered.PodOf("payment").Spec.Containers));
            Assert.StartsWith("https://", env["Providers__GoPay__BaseUrl"], StringComparison.Ordinal);
            Assert.StartsWith("https://", env["Providers__ShopeePay__BaseUrl"], StringComparison.Ordinal);
            Assert.StartsWith("https://api", env["Providers__CallbackBaseUrl"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Backup_cronjob_encrypts_with_a_secret_key_and_keeps_fourteen()
    {
        var rendered = RenderedManifests.Overlay("production");
        var cron = rendered.Get<V1CronJob>("postgres-backup");
        var pod = cron.Spec.JobTemplate.Spec.Template.Spec;
        var env = rendered.EnvironmentOf(Assert.Single(pod.Containers));

        Assert.Equal("Forbid", cron.Spec.ConcurrencyPolicy);
        Assert.Equal("14", env["BACKUP_KEEP"]);
        Assert.Equal("postgres-backup-key", Assert.Single(pod.Volumes, v => v.Secret is not null).Secret.SecretName);
        var scripts = rendered.ConfigMap("postgres-backup-scripts").Data;
        Assert.Equal(File.ReadAllText(Path.Combine(RenderedManifests.RepositoryRoot, "manifests", "backup", "backup.sh")), scripts["backup.sh"]);
        Assert.Contains("| openssl enc -aes-256-cbc", scripts["backup.sh"], StringComparison.Ordinal);
    }
}
