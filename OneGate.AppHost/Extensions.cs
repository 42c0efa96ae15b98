using Microsoft.Extensions.Configuration;

namespace OneGate.AppHost;

internal static class Extensions
{
    /// <summary>
    /// Aspire sets OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=in_memory; with no collector listening (tests, a
    /// closed dashboard) each service then lingers ~10 s at stop retrying exports. Telemetry is best effort
    /// in development, so drop the retry: stop goes from ~13 s to ~1 s.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithFastShutdown(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"));

    /// <summary>
    /// Maps the internal diagnostics endpoints (e.g. the Kafka ping) when the AppHost runs the stack for
    /// development or tests; never in a published manifest.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDevelopmentDiagnostics(this IResourceBuilder<ProjectResource> builder) =>
        builder.ApplicationBuilder.ExecutionContext.IsRunMode
            ? builder.WithEnvironment("OneGate__Diagnostics__Enabled", "true")
            : builder;

    /// <summary>
    /// Development regulator API keys (Bank Indonesia, OJK): generated once into user secrets and shown as
    /// secret parameters in the dashboard, never logged. The Transaction service's development seed stores
    /// only their hashes. Run mode only.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDevelopmentRegulatorKeys(this IResourceBuilder<ProjectResource> builder)
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        var key = new GenerateParameterDefault { MinLength = 40, Special = false };
        var bankIndonesia = builder.ApplicationBuilder.AddParameter("regulator-bi-api-key", key, secret: true, persist: true);
        var ojk = builder.ApplicationBuilder.AddParameter("regulator-ojk-api-key", key, secret: true, persist: true);
        var pseudonymKey = builder.ApplicationBuilder.AddParameter("regulator-pseudonym-key", key, secret: true, persist: true);
        return builder
            .WithEnvironment("Regulators__PseudonymKey", pseudonymKey)
            .WithEnvironment("Regulators__DevelopmentSeed__Enabled", "true")
            .WithEnvironment("Regulators__DevelopmentSeed__BankIndonesiaKey", bankIndonesia)
            .WithEnvironment("Regulators__DevelopmentSeed__OjkKey", ojk);
    }

    /// <summary>
    /// The service's interactive API reference and its health endpoint as links in the dashboard's resource list
    /// (the reference is served in Development, which is how the AppHost runs the services).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReferenceAndHealthUrls(this IResourceBuilder<ProjectResource> builder)
    {
        var http = builder.GetEndpoint("http");
        return builder
            .WithUrl(ReferenceExpression.Create($"{http}/scalar"), "API reference")
            .WithUrl(ReferenceExpression.Create($"{http}/health"), "Health");
    }
}
