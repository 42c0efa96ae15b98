using System.Net;
using OneGate.Tests.Support;

namespace OneGate.Tests.Regulators;

/// <summary>
/// Redis stopped through Aspire's resource command: regulators are refused (fail closed: no request goes
/// unmetered), users get a 503 problem (their sessions live in Redis) — never a 500 — and everything works
/// again once Redis is back, sessions included (Redis keeps an append-only file).
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class RedisOutageTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient transactions = fixture.CreateClient("transaction");
    private readonly RegulatorClient regulator = new(fixture.CreateClient("transaction"));

    [Fact]
    public async Task With_Redis_down_regulators_get_503_and_users_503_then_both_recover()
    {
        var key = await RegulatorKeys.CreateAsync(fixture);
        var user = await TestUsers.RegisterAndLoginAsync(auth);
        using (var before = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await fixture.StopAsync("redis");
        try
        {
            using var limited = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
            await ProblemAssert.IsProblem(limited, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.Equal("5", limited.Headers.GetValues("Retry-After").Single());
            Assert.False(limited.Headers.Contains("RateLimit-Remaining"));

            using var history = await transactions.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions"));
            await ProblemAssert.IsProblem(history, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        }
        finally
        {
            await fixture.StartAsync("redis");
        }

        // The services reconnect by themselves; the session and the key work again.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        HttpStatusCode regulatorStatus, userStatus;
        do
        {
            await Task.Delay(500);
            using var again = await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret);
            using var page = await transactions.SendAsync(user.Authorized(HttpMethod.Get, "/api/transactions"));
            (regulatorStatus, userStatus) = (again.StatusCode, page.StatusCode);
        }
        while ((regulatorStatus != HttpStatusCode.OK || userStatus != HttpStatusCode.OK) && DateTimeOffset.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, regulatorStatus);
        Assert.Equal(HttpStatusCode.OK, userStatus);
        foreach (var service in OneGateAppFixture.ServiceResources)
        {
            await ResourceControl.WaitForEveryInstanceAsync(fixture, service,
                s => s.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);
        }
    }
}
