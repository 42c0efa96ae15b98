using System.Globalization;

namespace OneGate.AppHost;

/// <summary>
/// Kong 3 in DB-less mode with the repository's declarative config (kong/kong.yml), the same file the
/// OpenShift manifests mount. Only in Containers mode: Kong needs a container runtime.
/// </summary>
internal static class KongExtensions
{
    private const int ProxyPort = 8000;
    private const int StatusPort = 8100;
    private const int ClusterServicePort = 8080;

    public static IResourceBuilder<ContainerResource> AddKong(this IDistributedApplicationBuilder builder, string name,
        params IResourceBuilder<ProjectResource>[] services)
    {
        var configFile = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "kong", "kong.yml"));
        if (builder.ExecutionContext.IsRunMode)
        {
            configFile = RenderForHostServices(builder, configFile, services);
        }

        var kong = builder.AddContainer(name, "kong", "3.9")
            .WithBindMount(configFile, "/kong/kong.yml", isReadOnly: true)
            .WithEnvironment("KONG_DATABASE", "off")
            .WithEnvironment("KONG_DECLARATIVE_CONFIG", "/kong/kong.yml")
            .WithEnvironment("KONG_PROXY_LISTEN", $"0.0.0.0:{ProxyPort.ToString(CultureInfo.InvariantCulture)}")
            .WithEnvironment("KONG_STATUS_LISTEN", $"0.0.0.0:{StatusPort.ToString(CultureInfo.InvariantCulture)}")
            .WithEnvironment("KONG_ADMIN_LISTEN", "off")
            .WithEnvironment("KONG_PROXY_ACCESS_LOG", "/dev/stdout")
            .WithEnvironment("KONG_PROXY_ERROR_LOG", "/dev/stderr")
            .WithHttpEndpoint(port: ProxyPort, targetPort: ProxyPort, name: "proxy")
            .WithHttpEndpoint(targetPort: StatusPort, name: "status")
            .WithHttpHealthCheck("/status", endpointName: "status")
            // Linux Docker has no host.docker.internal unless asked for.
            .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway");

        foreach (var service in services)
        {
            kong.WithReference(service).WaitFor(service);
        }

        return kong;
    }

    /// <summary>
    /// kong.yml names the upstreams as the cluster does (http://auth:8080, ...). In development the services
    /// run on the host at their fixed ports, so Kong gets a copy pointing at host.docker.internal:PORT.
    /// </summary>
    private static string RenderForHostServices(IDistributedApplicationBuilder builder, string configFile, IResourceBuilder<ProjectResource>[] services)
    {
        var text = File.ReadAllText(configFile);
        foreach (var service in services)
        {
            var port = service.Resource.Annotations.OfType<EndpointAnnotation>().First(e => e.Name == "http").Port
                ?? throw new InvalidOperationException($"{service.Resource.Name} needs a fixed http port for Kong");
            text = text.Replace($"http://{service.Resource.Name}:{ClusterServicePort}",
                $"http://host.docker.internal:{port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
        }

        var rendered = Path.Combine(Path.GetTempPath(), $"onegate-kong-{Environment.UserName}", "kong.yml");
        Directory.CreateDirectory(Path.GetDirectoryName(rendered)!);
        File.WriteAllText(rendered, text);
        return rendered;
    }
}
