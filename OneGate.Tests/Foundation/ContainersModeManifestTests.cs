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
    public void Kong_mounts_the_repository_declarative_config_in_db_less_mode()
    {
        var kong = resources.GetProperty("kong");

        var mount = Assert.Single(kong.GetProperty("bindMounts").EnumerateArray());
        Assert.EndsWith("kong/kong.yml", mount.GetProperty("source").GetString()!.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.Equal("/kong/kong.yml", mount.GetProperty("target").GetString());
        Assert.Equal("off", kong.GetProperty("env").GetProperty("KONG_DATABASE").GetString());
        foreach (var service in new[] { "auth", "payment", "transaction" })
        {
            Assert.True(kong.GetProperty("env").TryGetProperty($"services__{service}__http__0", out _), $"kong has no reference to {service}");
        }
    }

    [Theory]
    [InlineData("auth", new[] { "onegate", "redis" })]
    [InlineData("payment", new[] { "onegate", "redis", "kafka" })]
    [InlineData("transaction", new[] { "onegate", "redis", "kafka" })]
    public void Service_is_a_project_wired_to_its_connection_strings(string service, string[] connections)
    {
        var resource = resources.GetProperty(service);
        var env = resource.GetProperty("env");

        Assert.StartsWith("project.", resource.GetProperty("type").GetString(), StringComparison.Ordinal);
        foreach (var connection in connections)
        {
            Assert.Equal($"{{{connection}.connectionString}}", env.GetProperty($"ConnectionStrings__{connection}").GetString());
        }

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
            var root = RepositoryRoot();
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

        private static string RepositoryRoot() => Deployment.RenderedManifests.RepositoryRoot;
    }
}
