using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;
using OneGate.AppHost.Infrastructure;
using OneGate.Tests.Foundation;

namespace OneGate.Tests.Deployment;

/// <summary>
/// The AppHost is the source of truth for what runs; manifests/base is written by hand. This compares the
/// two: the AppHost's `--publisher manifest` output (Containers mode, no app boot) against the rendered
/// base, and the services' required options (read from the built service assemblies) against the
/// environment each Deployment really gets.
/// </summary>
public sealed partial class AppHostDriftTests(ContainersModeManifestTests.Manifest manifest) : IClassFixture<ContainersModeManifestTests.Manifest>
{
    /// <summary>AppHost resources that only the dev overlay deploys (development tooling).</summary>
    private static readonly HashSet<string> DevOnly = ["kafka-ui"];

    private readonly JsonElement resources = manifest.Resources;

    [Fact]
    public void Every_apphost_resource_has_a_workload_with_the_same_image()
    {
        var workloads = Resources("container.", "project.").ToList();
        Assert.Contains("payment", workloads.Select(w => w.Name));

        foreach (var (name, resource) in workloads)
        {
            var rendered = DevOnly.Contains(name) ? RenderedManifests.Overlay("dev") : RenderedManifests.Of("base");
            // A service's migrate step runs to completion: a Job; everything else keeps running.
            var pod = rendered.PodTemplates().Where(p => IsMigrateStep(name) ? p.Workload is V1Job : p.Workload is V1Deployment or V1StatefulSet)
                .SingleOrDefault(p => p.Workload.Metadata.Name == name).Pod;
            Assert.True(pod is not null, $"AppHost resource '{name}' has no {(IsMigrateStep(name) ? "Job" : "Deployment/StatefulSet")} in manifests/");

            if (resource.TryGetProperty("image", out var image))
            {
                Assert.Equal(Normalize(image.GetString()!), Normalize(pod.Spec.Containers[0].Image));
            }
        }
    }

    [Fact]
    public void Every_variable_the_apphost_gives_a_service_is_provided_by_its_deployment()
    {
        var rendered = RenderedManifests.Of("base");
        var sources = ServiceSources();

        foreach (var (name, resource) in Resources("project."))
        {
            var env = rendered.EnvironmentOf(rendered.PodOf(name).Spec.Containers.Single());
            foreach (var variable in resource.GetProperty("env").EnumerateObject().Select(p => p.Name))
            {
                if (AspireConvenienceVariable().IsMatch(variable))
                {
                    // Aspire adds these per reference; make sure no service actually reads one.
                    Assert.False(sources.Contains(variable, StringComparison.Ordinal), $"a service reads {variable}, which the manifests do not set");
                    continue;
                }

                Assert.True(env.ContainsKey(variable), $"{name}: the AppHost sets {variable}; its Deployment does not");
            }

            // Connection strings point at the in-cluster stores, with the password from the Secret.
            foreach (var connection in resource.GetProperty("env").EnumerateObject().Where(p => p.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal)))
            {
                Assert.DoesNotContain("$(", env[connection.Name], StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("OneGate.Auth", "base", "auth", "Auth__Signing__Keys")]
    [InlineData("OneGate.Payment", "base", "payment", "Providers__GoPay__ClientSecret")]
    [InlineData("OneGate.Transaction", "base", "transaction", null)]
    [InlineData("OneGate.ProviderSandbox", "overlays/dev", "provider-sandbox", "Sandbox__Providers__ShopeePay__ClientSecret")]
    public void Every_required_option_a_service_validates_at_start_is_provided(string project, string manifests, string workload, string? oneOfThem)
    {
        var rendered = RenderedManifests.Of(manifests);
        var env = rendered.EnvironmentOf(rendered.PodOf(workload).Spec.Containers.Single());
        var required = RequiredOptions(project).ToList();

        // Proves the reflection finds them (Transaction has no option without a default).
        Assert.True(oneOfThem is null || required.Contains(oneOfThem), $"found: {string.Join(", ", required)}");
        foreach (var key in required)
        {
            Assert.True(env.Keys.Any(k => k.StartsWith(key, StringComparison.OrdinalIgnoreCase)),
                $"{workload}: {project} requires {key} (ValidateOnStart) and manifests/{manifests} does not provide it");
        }
    }

    [Fact]
    public void The_topic_job_creates_the_apphost_topics_with_their_partitions()
    {
        var job = RenderedManifests.Of("base").Get<V1Job>("kafka-topics");
        var script = string.Join('\n', job.Spec.Template.Spec.Containers.Single().Args);

        foreach (var (topic, partitions) in InfrastructureExtensions.KafkaTopics)
        {
            Assert.Contains($"{topic}:{partitions}", script, StringComparison.Ordinal);
        }
    }

    private IEnumerable<(string Name, JsonElement Resource)> Resources(params string[] typePrefixes) =>
        resources.EnumerateObject()
            .Where(r => typePrefixes.Any(t => r.Value.GetProperty("type").GetString()!.StartsWith(t, StringComparison.Ordinal)))
            .Select(r => (r.Name, r.Value));

    private static bool IsMigrateStep(string resource) => resource.EndsWith("-migrate", StringComparison.Ordinal);

    private static string Normalize(string image) => image.Replace("docker.io/library/", "", StringComparison.Ordinal).Replace("docker.io/", "", StringComparison.Ordinal);

    private static string ServiceSources() => string.Concat(
        new[] { "OneGate.Auth", "OneGate.Payment", "OneGate.Transaction", "OneGate.ServiceDefaults" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(RenderedManifests.RepositoryRoot, p), "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));

    /// <summary>
    /// Options classes bound from a section (a public const Section/SectionName, or ...Section per named instance) whose [Required] properties
    /// have no default: the configuration keys (as environment variable prefixes) a service cannot start without.
    /// </summary>
    private static IEnumerable<string> RequiredOptions(string project)
    {
        var configuration = typeof(AppHostDriftTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RenderedManifests.RepositoryRoot, project, "bin", configuration, "net10.0", project + ".dll");
        Assert.True(File.Exists(path), $"{path} not built");
        var context = new ServiceLoadContext(path);
        try
        {
            Type[] types;
            try
            {
                types = context.LoadFromAssemblyPath(path).GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                types = e.Types.OfType<Type>().ToArray();
            }

            var keys = new List<string>();
            foreach (var type in types.Where(t => t.IsClass && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null))
            {
                // One section (Section/SectionName), or several for named options (GoPaySection, ShopeePaySection...).
                var sections = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                    .Where(f => f.IsLiteral && (f.Name.EndsWith("Section", StringComparison.Ordinal) || f.Name == "SectionName"))
                    .Select(f => f.GetRawConstantValue()).OfType<string>().ToList();
                if (sections.Count == 0)
                {
                    continue;
                }

                var defaults = Activator.CreateInstance(type);
                foreach (var property in type.GetProperties().Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.Name == "RequiredAttribute")))
                {
                    var value = property.GetValue(defaults);
                    var isEmpty = value is null || (value is string s && s.Length == 0) || (value is System.Collections.ICollection { Count: 0 });
                    if (isEmpty)
                    {
                        keys.AddRange(sections.Select(section => $"{section.Replace(":", "__", StringComparison.Ordinal)}__{property.Name}"));
                    }
                }
            }

            return keys;
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class ServiceLoadContext(string path) : AssemblyLoadContext(isCollectible: true)
    {
        private readonly AssemblyDependencyResolver resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Shared framework and already-loaded assemblies come from the default context.
            if (Default.Assemblies.Any(a => a.GetName().Name == assemblyName.Name))
            {
                return null;
            }

            var resolved = resolver.ResolveAssemblyToPath(assemblyName);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }
    }

    /// <summary>Aspire's per-reference extras (ONEGATE_HOST, REDIS_URI, AUTH_HTTPS, services__x__https__0...).</summary>
    [GeneratedRegex(@"^([A-Z0-9]+_(HOST|PORT|USERNAME|PASSWORD|URI|JDBCCONNECTIONSTRING|DATABASENAME|HTTP|HTTPS)|services__\w+__https__\d+)$")]
    private static partial Regex AspireConvenienceVariable();
}
