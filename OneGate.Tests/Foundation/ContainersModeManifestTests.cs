using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace OneGate.Tests.Foundation;

/// <summary>
/// No container runtime here, so the Containers-mode app model is proven through Aspire's deployment
/// manifest: the AppHost is run with --publisher manifest and the result is checked for the containers,
/// images, ports and references the services need.
/// </summary>
public sealed class ContainersModeManifestTests : IClassFixture<ContainersModeManifestTests.Manifest>
{
    private readonly JsonElement resources;

    public ContainersModeManifestTests(Manifest manifest) => resources = manifest.Resources;

    [Theory]
    [InlineData("postgres", "postgres:17.6", 5432)]
    [InlineData("redis", "redis:7.4", 6379)]
    [InlineData("kafka", "apache/kafka:3.9.1", 9092)]
    [InlineData("kong", "kong:3.9", 8000)]
    [InlineData("kafka-ui", "kafbat/kafka-ui:v1.2.0", 8080)]
    public void Infrastructure_is_a_container_with_the_pinned_image_and_port(string name, string image, int targetPort)
    {
        var resource = resources.GetProperty(name);

        Assert.StartsWith("container.", resource.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(image, resource.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.Contains(resource.GetProperty("bindings").EnumerateObject(),
            b => b.Value.GetProperty("targetPort").GetInt32() == targetPort);
    }

    [Fact]
    public void The_onegate_database_belongs_to_the_postgres_container()
    {
        var database = resources.GetProperty("onegate");

        // Aspire 13 writes a database as a value derived from its server's connection string.
        Assert.Equal("{postgres.connectionString};Database=onegate", database.GetProperty("connectionString").GetString());
    }

    [Fact]
    public void Kong_renders_the_repository_declarative_config_and_starts_db_less()
    {
        var kong = resources.GetProperty("kong");
        var env = kong.GetProperty("env");

        var mounts = kong.GetProperty("bindMounts").EnumerateArray()
            .ToDictionary(m => m.GetProperty("target").GetString()!, m => m.GetProperty("source").GetString()!.Replace('\\', '/'));
        Assert.Equal(3, mounts.Count);
        Assert.EndsWith("kong/kong.yml", mounts["/kong/kong.yml"], StringComparison.Ordinal);
        Assert.EndsWith("kong/render-config.sh", mounts["/kong/render-config.sh"], StringComparison.Ordinal);
        Assert.EndsWith("kong/error-template.json", mounts[env.GetProperty("KONG_ERROR_TEMPLATE_JSON").GetString()!], StringComparison.Ordinal);
        Assert.All(kong.GetProperty("bindMounts").EnumerateArray(), m => Assert.True(m.GetProperty("readOnly").GetBoolean()));

        // The renderer writes the config Kong loads, then hands over to the image's own entrypoint.
        Assert.Equal("/bin/sh", kong.GetProperty("entrypoint").GetString());
        var command = kong.GetProperty("args")[1].GetString()!;
        Assert.StartsWith("/kong/render-config.sh /kong/kong.yml \"$KONG_DECLARATIVE_CONFIG\" && exec /docker-entrypoint.sh kong docker-start", command, StringComparison.Ordinal);
        Assert.Equal("off", env.GetProperty("KONG_DATABASE").GetString());
        Assert.Equal("off", env.GetProperty("KONG_ADMIN_LISTEN").GetString());
        Assert.NotEqual("/kong/kong.yml", env.GetProperty("KONG_DECLARATIVE_CONFIG").GetString());
        foreach (var service in new[] { "auth", "payment", "transaction", "backoffice" })
        {
            Assert.True(env.TryGetProperty($"services__{service}__http__0", out _), $"kong has no reference to {service}");
        }

        // Regulator keys are the Transaction service's alone.
        Assert.DoesNotContain(env.EnumerateObject(), v => v.Name.Contains("REGULATOR", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ONEGATE_REDIS_PASSWORD", "redis-kong-password", true)]
    [InlineData("ONEGATE_AUTH_JWT_PUBLIC_KEY", "auth-jwt-public-key", false)]
    [InlineData("ONEGATE_WEB_ORIGIN", "web-origin", false)]
    [InlineData("ONEGATE_BACKOFFICE_HOST", "backoffice-host", false)]
    [InlineData("ONEGATE_BACKOFFICE_ALLOWED_NETWORK", "backoffice-allowed-network", false)]
    public void Kong_gets_each_placeholder_of_kong_yml_from_a_deployment_parameter(string variable, string parameter, bool secret)
    {
        Assert.Equal($"{{{parameter}.value}}", resources.GetProperty("kong").GetProperty("env").GetProperty(variable).GetString());
        var input = resources.GetProperty(parameter).GetProperty("inputs").GetProperty("value");
        Assert.Equal(secret, input.TryGetProperty("secret", out var isSecret) && isSecret.GetBoolean());
    }

    [Fact]
    public void Kong_checks_tokens_by_the_key_id_auth_signs_with()
    {
        Assert.Equal(resources.GetProperty("auth").GetProperty("env").GetProperty("Auth__Signing__Keys__0__KeyId").GetString(),
            resources.GetProperty("kong").GetProperty("env").GetProperty("ONEGATE_AUTH_JWT_KEY_ID").GetString());
    }

    [Fact]
    public void Kafka_ui_reads_the_broker_through_its_internal_listener_read_only()
    {
        var env = resources.GetProperty("kafka-ui").GetProperty("env");

        Assert.Contains("INTERNAL://" + env.GetProperty("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS").GetString(),
            resources.GetProperty("kafka").GetProperty("env").GetProperty("KAFKA_ADVERTISED_LISTENERS").GetString(), StringComparison.Ordinal);
        Assert.Equal("true", env.GetProperty("KAFKA_CLUSTERS_0_READONLY").GetString());
    }

    [Theory]
    [InlineData("auth")]
    [InlineData("payment")]
    [InlineData("transaction")]
    public void Service_is_a_project_wired_to_its_connection_strings(string service)
    {
        var resource = resources.GetProperty(service);
        var env = resource.GetProperty("env");

        Assert.StartsWith("project.", resource.GetProperty("type").GetString(), StringComparison.Ordinal);
        // Its own logins (docs/operations.md, "Least privilege"), never the admin ones.
        Assert.Contains($"Username=onegate_{service};Password={{postgres-{service}-password.value}}",
            env.GetProperty("ConnectionStrings__onegate").GetString(), StringComparison.Ordinal);
        // Its migrations run before it, in a resource of their own: only that one gets the migrator's login.
        Assert.False(env.TryGetProperty("ConnectionStrings__onegate-migrator", out _));
        var migrate = resources.GetProperty($"{service}-migrate");
        Assert.Equal(["migrate"], migrate.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(resource.GetProperty("path").GetString(), migrate.GetProperty("path").GetString());
        Assert.Contains($"Username=onegate_{service}_migrator;Password={{postgres-{service}-migrator-password.value}}",
            migrate.GetProperty("env").GetProperty("ConnectionStrings__onegate-migrator").GetString(), StringComparison.Ordinal);
        Assert.Contains($",user=onegate-{service},password={{redis-{service}-password.value}}",
            env.GetProperty("ConnectionStrings__redis").GetString(), StringComparison.Ordinal);
        Assert.Equal("{kafka.connectionString}", env.GetProperty("ConnectionStrings__kafka").GetString());

        // Diagnostics endpoints are for development runs only.
        Assert.False(env.TryGetProperty("OneGate__Diagnostics__Enabled", out _));
    }

    [Fact]
    public void Kafka_advertises_the_published_port_and_creates_no_topics_implicitly()
    {
        var env = resources.GetProperty("kafka").GetProperty("env");

        Assert.Equal("false", env.GetProperty("KAFKA_AUTO_CREATE_TOPICS_ENABLE").GetString());
        Assert.Equal("broker,controller", env.GetProperty("KAFKA_PROCESS_ROLES").GetString());
        Assert.Contains("{kafka.bindings.tcp.", env.GetProperty("KAFKA_ADVERTISED_LISTENERS").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Runs the AppHost once in publish mode with Containers forced.</summary>
    public sealed class Manifest : IAsyncLifetime
    {
        private readonly string directory = Directory.CreateTempSubdirectory("onegate-manifest-").FullName;

        public JsonElement Resources { get; private set; }

        public async Task InitializeAsync()
        {
            var root = Support.RepositoryFiles.Root;
            var configuration = typeof(Manifest).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var output = Path.Combine(directory, "aspire-manifest.json");
            var start = new ProcessStartInfo("dotnet",
            [
                "run", "--project", Path.Combine(root, "OneGate.AppHost"), "--no-build", "-c", configuration, "--",
                "--publisher", "manifest", "--output-path", output, "--OneGate:Infrastructure=Containers",
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = root,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0 && File.Exists(output),
                $"manifest publisher exited {process.ExitCode}\n{await stdout}\n{await stderr}");

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            Resources = document.RootElement.GetProperty("resources").Clone();
        }

        public Task DisposeAsync()
        {
            Directory.Delete(directory, recursive: true);
            return Task.CompletedTask;
        }
    }
}
