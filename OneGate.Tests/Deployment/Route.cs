using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace OneGate.Tests.Deployment;

/// <summary>
/// OpenShift's route.openshift.io/v1 Route, only the fields our manifests may use, so that a strict load
/// rejects anything else (KubernetesClient has no OpenShift types).
/// </summary>
public sealed class Route : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public RouteSpec Spec { get; set; } = new();

    public sealed class RouteSpec
    {
        [JsonPropertyName("host")]
        public string? Host { get; set; }

        [JsonPropertyName("path")]
        public string? Path { get; set; }

        [JsonPropertyName("to")]
        public RouteTarget To { get; set; } = new();

        [JsonPropertyName("port")]
        public RoutePort? Port { get; set; }

        [JsonPropertyName("tls")]
        public RouteTls? Tls { get; set; }

        [JsonPropertyName("wildcardPolicy")]
        public string? WildcardPolicy { get; set; }
    }

    public sealed class RouteTarget
    {
        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "";

        [JsonPropertyName("name")]
        public string Name { get; set; } = "";

        [JsonPropertyName("weight")]
        public int? Weight { get; set; }
    }

    public sealed class RoutePort
    {
        [JsonPropertyName("targetPort")]
        public IntOrString? TargetPort { get; set; }
    }

    public sealed class RouteTls
    {
        [JsonPropertyName("termination")]
        public string Termination { get; set; } = "";

        [JsonPropertyName("insecureEdgeTerminationPolicy")]
        public string? InsecureEdgeTerminationPolicy { get; set; }
    }
}
