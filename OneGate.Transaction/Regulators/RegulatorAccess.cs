using Microsoft.Extensions.DependencyInjection.Extensions;
using OneGate.Transaction.Regulators.AccessLogs;
using OneGate.Transaction.Regulators.Endpoints;
using OneGate.Transaction.Regulators.Keys;
using OneGate.Transaction.Regulators.Pseudonyms;
using OneGate.Transaction.Regulators.RateLimiting;

namespace OneGate.Transaction.Regulators;

/// <summary>
/// Regulator access (Bank Indonesia, OJK): <c>/api/external</c> behind <c>X-API-Key</c>, per-key rate limits in
/// Redis, access logs written in the background, the development key seed, and the <c>keys</c> command.
/// </summary>
public static class RegulatorAccess
{
    public static IHostApplicationBuilder AddRegulatorAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegulatorOptions>()
            .Bind(builder.Configuration.GetSection(RegulatorOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddScoped<ApiKeyStore>();
        builder.Services.AddScoped<ApiKeyIssuer>();
        builder.Services.AddSingleton<RedisRateLimiter>();
        builder.Services.AddSingleton<AccountPseudonyms>();
        builder.Services.AddSingleton<AccessLogQueue>();
        builder.Services.AddHostedService<DevelopmentKeySeed>();
        builder.Services.AddHostedService<AccessLogWriter>();
        builder.Services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o =>
        {
            var transformer = new ApiKeySecuritySchemeTransformer();
            o.AddDocumentTransformer(transformer);
            o.AddOperationTransformer(transformer);
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapRegulatorApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/external")
            .WithTags("Regulators")
            .AddEndpointFilter<ApiKeyFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .MapExternalTransactions()
            .MapDailyReport();
        return app;
    }

    /// <summary>Runs <c>keys ...</c> when the binary is started as a command; null when it is not one.</summary>
    public static async Task<int?> TryRunCommandAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] != "keys")
        {
            return null;
        }

        return await KeysCommand.RunAsync(args, CommandConfiguration(), Console.Out, Console.Error);
    }

    /// <summary>What a command run of the binary reads: appsettings.json and the environment.</summary>
    public static IConfiguration CommandConfiguration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();
}
