using System.Globalization;
using System.Security.Cryptography;

namespace OneGate.AppHost;

/// <summary>
/// Kong 3 in DB-less mode with the repository's declarative config (kong/kong.yml), the same file the
/// OpenShift manifests mount. Only in Containers mode: Kong needs a container runtime.
/// </summary>
/// <remarks>
/// kong.yml is a template: the JWT public key and its key id cannot be vault references in Kong, so
/// kong/render-config.sh fills them in from the container's environment before Kong starts. The password of
/// Kong's Redis user is read by Kong itself ({vault://env/onegate-redis-password}). Regulator keys are not Kong's: the Transaction
/// service checks them. kong/error-template.json shapes the errors Kong renders itself as problem+json.
/// </remarks>
internal static class KongExtensions
{
    private const int ProxyPort = 8000;
    private const int StatusPort = 8100;
    private const int ClusterServicePort = 8080;
    private const string RenderedConfig = "/tmp/onegate-kong/kong.yml";

    /// <summary>The web app's origin for CORS in development (a local dev server); deployments set their own.</summary>
    private const string DevelopmentWebOrigin = "http://localhost:3000";

    /// <summary>The console's host in development (browsers resolve *.localhost to this machine): http://backoffice.localhost:8000.</summary>
    private const string DevelopmentBackofficeHost = "backoffice.localhost";

    /// <summary>Docker's default bridge networks: where Kong's requests to the host's services come from in development.</summary>
    private const string DockerBridgeNetworks = "172.16.0.0/12";

    public static IResourceBuilder<ContainerResource> AddKong(this IDistributedApplicationBuilder builder, string name,
        string signingKeyId, IResourceBuilder<ParameterResource> signingKey, IResourceBuilder<IResourceWithConnectionString> redis,
        params IResourceBuilder<ProjectResource>[] services)
    {
        var kongDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "kong"));
        var configFile = Path.Combine(kongDirectory, "kong.yml");
        if (builder.ExecutionContext.IsRunMode)
        {
            configFile = RenderForHostServices(builder, configFile, services);
        }

        var kong = builder.AddContainer(name, "kong", "3.9")
            .WithBindMount(configFile, "/kong/kong.yml", isReadOnly: true)
            .WithBindMount(Path.Combine(kongDirectory, "render-config.sh"), "/kong/render-config.sh", isReadOnly: true)
            .WithBindMount(Path.Combine(kongDirectory, "error-template.json"), "/kong/error-template.json", isReadOnly: true)
            .WithEntrypoint("/bin/sh")
            .WithArgs("-c", "/kong/render-config.sh /kong/kong.yml \"$KONG_DECLARATIVE_CONFIG\" && exec /docker-entrypoint.sh kong docker-start")
            .WithEnvironment("KONG_DATABASE", "off")
            .WithEnvironment("KONG_DECLARATIVE_CONFIG", RenderedConfig)
            .WithEnvironment("KONG_PROXY_LISTEN", $"0.0.0.0:{ProxyPort.ToString(CultureInfo.InvariantCulture)}")
            .WithEnvironment("KONG_STATUS_LISTEN", $"0.0.0.0:{StatusPort.ToString(CultureInfo.InvariantCulture)}")
            .WithEnvironment("KONG_ADMIN_LISTEN", "off")
            .WithEnvironment("KONG_PROXY_ACCESS_LOG", "/dev/stdout")
            .WithEnvironment("KONG_PROXY_ERROR_LOG", "/dev/stderr")
            .WithEnvironment("KONG_ERROR_TEMPLATE_JSON", "/kong/error-template.json")
            .WithEnvironment("KONG_ERROR_DEFAULT_TYPE", "application/json")
            .WithEnvironment("ONEGATE_AUTH_JWT_KEY_ID", signingKeyId)
            // Kong's own Redis ACL user (onegate-kong: its rate-limiting counters only), not the admin.
            .WithEnvironment("ONEGATE_REDIS_PASSWORD", SecretParameter(builder, "redis-kong-password"))
            .WithHttpEndpoint(port: ProxyPort, targetPort: ProxyPort, name: "proxy")
            .WithHttpEndpoint(targetPort: StatusPort, name: "status")
            .WithHttpHealthCheck("/status", endpointName: "status")
            // Linux Docker has no host.docker.internal unless asked for.
            .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway")
            .WaitFor(redis);

        if (builder.ExecutionContext.IsRunMode)
        {
            // The public half of the AppHost's development signing key; no key material is written anywhere.
            kong.WithEnvironment(async context => context.EnvironmentVariables["ONEGATE_AUTH_JWT_PUBLIC_KEY"] =
                PublicKeyPem(await signingKey.Resource.GetValueAsync(context.CancellationToken)));
            kong.WithEnvironment("ONEGATE_WEB_ORIGIN", DevelopmentWebOrigin);
            // A browser on this machine reaches Kong's published port through Docker's bridge.
            kong.WithEnvironment("ONEGATE_BACKOFFICE_HOST", DevelopmentBackofficeHost);
            kong.WithEnvironment("ONEGATE_BACKOFFICE_ALLOWED_NETWORK", DockerBridgeNetworks);
        }
        else
        {
            // A deployment supplies the public key of its own signing key and its web app's origin.
            kong.WithEnvironment("ONEGATE_AUTH_JWT_PUBLIC_KEY", builder.AddParameter("auth-jwt-public-key"));
            kong.WithEnvironment("ONEGATE_WEB_ORIGIN", builder.AddParameter("web-origin"));
            // The console's own host and the operators' network (the office or VPN egress).
            kong.WithEnvironment("ONEGATE_BACKOFFICE_HOST", builder.AddParameter("backoffice-host"));
            kong.WithEnvironment("ONEGATE_BACKOFFICE_ALLOWED_NETWORK", builder.AddParameter("backoffice-allowed-network"));
        }

        foreach (var service in services)
        {
            kong.WithReference(service).WaitFor(service);
            if (builder.ExecutionContext.IsRunMode)
            {
                // Behind Kong the services believe Kong's X-Real-IP, from the Docker bridge only.
                service.WithEnvironment("OneGate__ForwardedHeaders__KnownNetworks__0", DockerBridgeNetworks);
            }
        }

        return kong;
    }

    /// <summary>The same parameter the services get when the AppHost already has it (run mode), else a new secret one.</summary>
    private static IResourceBuilder<ParameterResource> SecretParameter(IDistributedApplicationBuilder builder, string name) =>
        builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : builder.AddParameter(name, secret: true);

    private static string PublicKeyPem(string? privateKeyPem)
    {
        if (string.IsNullOrEmpty(privateKeyPem))
        {
            throw new InvalidOperationException("auth-signing-key has no value");
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(privateKeyPem);
        return key.ExportSubjectPublicKeyInfoPem();
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
