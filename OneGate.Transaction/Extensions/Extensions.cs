using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Auth;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;
using OneGate.ServiceDefaults.Redis;
using OneGate.Transaction.Data;
using OneGate.Transaction.Diagnostics;
using OneGate.Transaction.Events;
using OneGate.Transaction.History;

namespace OneGate.Transaction.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Explicit transactions (the inbox) need them off; reads are retried by the client instead.
        builder.AddNpgsqlDbContext<TransactionDbContext>("onegate",
            configureSettings: settings =>
            {
                settings.DisableRetry = true;
                settings.ConnectionString = SearchPath.Pin(TransactionDbContext.WithApplicationName(settings.ConnectionString), TransactionDbContext.Schema);
            },
            configureDbContextOptions: options => options.UseNpgsql(TransactionDbContext.ConfigureNpgsql));
        builder.Services.AddSchemaCheck<TransactionDbContext>();

        // Redis: regulator rate limits and read caches. Kafka: Payment's events feed the read models.
        builder.AddOneGateRedisClient();
        builder.AddOneGateAuthentication();
        builder.AddKafka("kafka");

        // Summaries and first history pages, per user, invalidated by Payment's commits and events.
        builder.Services.AddOptions<HistoryCacheOptions>().BindConfiguration(HistoryCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<HistoryCache>();
        builder.Services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddOperationTransformer(new CachedResponse.OpenApiTransformer()));

        // Payment's events feed the regulators' daily totals (exactly once, via the inbox) and invalidate the cache.
        builder.Services.AddScoped<ReportProjection>();
        builder.Services.AddScoped<UserProjection>();
        builder.Services.AddHostedService<TransactionEventConsumer>();
        builder.Services.AddOptions<DeadLetterOptions>().BindConfiguration(DeadLetterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<DeadLetterRedaction>();

        if (builder.Configuration.GetValue<bool>("OneGate:Diagnostics:Enabled"))
        {
            builder.Services.AddSingleton<ReceivedPings>();
            builder.Services.AddHostedService<KafkaPingConsumer>();
        }
    }
}
