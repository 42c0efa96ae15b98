using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace OneGate.Tests.Deployment;

/// <summary>
/// Renders manifests/ with the machine's `kubectl kustomize` (offline) and loads every object strictly with
/// KubernetesClient: an unknown field or a wrong type fails the load. kubectl is part of this kind of
/// machine (CI included); its absence fails the tests rather than skipping them.
/// </summary>
public sealed partial class RenderedManifests
{
    public static readonly string[] Overlays = ["dev", "staging", "production"];

    public static readonly IReadOnlyDictionary<string, string> Namespaces = new Dictionary<string, string>
    {
        ["dev"] = "onegate-dev",
        ["staging"] = "onegate-staging",
        ["production"] = "onegate-prod",
    };

    private static readonly Dictionary<string, Type> OpenShiftTypes = new()
    {
        ["route.openshift.io/v1/Route"] = typeof(Route),
    };

    private static readonly Dictionary<string, RenderedManifests> Cache = [];

    private RenderedManifests(string text, List<object> objects)
    {
        Text = text;
        Objects = objects;
    }

    public static string RepositoryRoot => Support.RepositoryFiles.Root;

    public string Text { get; }

    public IReadOnlyList<object> Objects { get; }

    /// <summary>Renders and loads manifests/&lt;path&gt; once per test run (e.g. "base", "overlays/dev").</summary>
    public static RenderedManifests Of(string path)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(path, out var rendered))
            {
                var text = Kustomize(Path.Combine(RepositoryRoot, "manifests", path));
                rendered = new RenderedManifests(text, KubernetesYaml.LoadAllFromString(text, OpenShiftTypes, strict: true));
                Cache[path] = rendered;
            }

            return rendered;
        }
    }

    public static RenderedManifests Overlay(string overlay) => Of($"overlays/{overlay}");

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Get<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        Objects.OfType<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"no {typeof(T).Name} named {name}");

    /// <summary>A generated ConfigMap by its kustomize name (the rendered name carries a content hash).</summary>
    public V1ConfigMap ConfigMap(string name) =>
        Objects.OfType<V1ConfigMap>().SingleOrDefault(c => c.Metadata.Name == name || HashedName(c.Metadata.Name) == name)
        ?? throw new Xunit.Sdk.XunitException($"no ConfigMap {name}");

    public static string HashedName(string name) => GeneratedSuffix().Replace(name, "");

    /// <summary>Every pod template with the workload that owns it: Deployments, StatefulSets, Jobs, CronJobs.</summary>
    public IEnumerable<(IKubernetesObject<V1ObjectMeta> Workload, V1PodTemplateSpec Pod)> PodTemplates()
    {
        foreach (var o in Objects)
        {
            switch (o)
            {
                case V1Deployment d: yield return (d, d.Spec.Template); break;
                case V1StatefulSet s: yield return (s, s.Spec.Template); break;
                case V1Job j: yield return (j, j.Spec.Template); break;
                case V1CronJob c: yield return (c, c.Spec.JobTemplate.Spec.Template); break;
            }
        }
    }

    public V1PodTemplateSpec PodOf(string workload) =>
        PodTemplates().SingleOrDefault(p => p.Workload.Metadata.Name == workload).Pod
        ?? throw new Xunit.Sdk.XunitException($"no workload {workload}");

    /// <summary>
    /// The environment a container really gets: envFrom ConfigMaps first, then env, with $(VAR) expanded the
    /// way the kubelet does. Values from Secrets resolve to "secret:NAME/KEY"; whole-Secret envFrom adds
    /// nothing (its keys are unknown here) and is reported through <paramref name="secretRefs"/>.
    /// </summary>
    public Dictionary<string, string> EnvironmentOf(V1Container container, List<string>? secretRefs = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is not null)
            {
                foreach (var (key, value) in ConfigMap(HashedName(source.ConfigMapRef.Name)).Data ?? new Dictionary<string, string>())
                {
                    env[key] = value;
                }
            }

            if (source.SecretRef is not null)
            {
                secretRefs?.Add(source.SecretRef.Name);
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            env[variable.Name] = variable.ValueFrom switch
            {
                { SecretKeyRef: { } s } => $"secret:{s.Name}/{s.Key}",
                { ConfigMapKeyRef: { } c } => ConfigMap(HashedName(c.Name)).Data[c.Key],
                { FieldRef: { } f } => $"field:{f.FieldPath}",
                _ => Expand(variable.Value ?? "", env),
            };
        }

        return env;
    }

    private static string Expand(string value, Dictionary<string, string> env) =>
        Reference().Replace(value, m => env.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    private static string Kustomize(string directory)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "kubectl (with kustomize) is required by the manifest tests and was not found on PATH. " +
                "Install kubectl 1.32+ (preinstalled on the project's machines).", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}):\n{stderr}");
            }

            return stdout.Result;
        }
    }

    [GeneratedRegex(@"-[a-z0-9]{10}$")]
    private static partial Regex GeneratedSuffix();

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
