using OneGate.AppHost.Infrastructure;

namespace OneGate.AppHost;

/// <summary>
/// The back-office console (OneGate.Backoffice, docs/backoffice.md "The console"): server-rendered pages that call the
/// services' <c>/api/admin</c> with the operator's token. It has no database; Redis (as its own ACL user, its Data
/// Protection keys only) keeps the keys that encrypt its cookies, shared by every replica.
/// </summary>
internal static class BackofficeExtensions
{
    public static IResourceBuilder<ProjectResource> AddBackoffice(this IDistributedApplicationBuilder builder, InfrastructureHandles infra,
        params IResourceBuilder<ProjectResource>[] services)
    {
        var console = builder.AddProject<Projects.OneGate_Backoffice>("backoffice")
            .WithEnvironment("ConnectionStrings__redis",
                infra.RedisLogin(DataCredentials.BackofficeRedisUser, infra.Credentials.BackofficeRedisPassword.Resource))
            .WaitFor(infra.Redis);
        foreach (var service in services)
        {
            console.WithReference(service).WaitFor(service);
        }

        var http = console.GetEndpoint("http");
        return console
            .WithHttpHealthCheck("/health")
            .WithUrl(ReferenceExpression.Create($"{http}/login"), "Console login")
            .WithFastShutdown();
    }
}
