using System.Net;

namespace OneGate.Tests.Foundation;

[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class StackHealthTests(OneGateAppFixture fixture)
{
    public static TheoryData<string> AllResources() => new(OneGateAppFixture.InfrastructureResources.Concat(OneGateAppFixture.ServiceResources).Concat(OneGateAppFixture.ConsoleResources));

    public static TheoryData<string> Services() => new(OneGateAppFixture.ServiceResources);

    [Theory]
    [MemberData(nameof(AllResources))]
    public async Task Every_resource_is_running_and_healthy(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var state = await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);

        Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_answers_health_and_alive(string service)
    {
        using var client = fixture.CreateClient(service);

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.True(health.StatusCode == HttpStatusCode.OK, $"{service} /health: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}\n{fixture.DescribeLogs(15)}");
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Unknown_path_is_a_problem_document_not_an_empty_404(string service)
    {
        using var client = fixture.CreateClient(service);

        using var response = await client.GetAsync(new Uri("/no/such/path", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":\"NOT_FOUND\"", body, StringComparison.Ordinal);
        Assert.Contains("\"traceId\"", body, StringComparison.Ordinal);
    }
}
