using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Auth;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;
using OneGate.Transaction.Data;
using OneGate.Transaction.Diagnostics;
using OneGate.Transaction.Events;

namespace OneGate.Transaction.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Explicit transactions (the inbox) need them off; reads are retried by the client instead.
        builder.AddNpgsqlDbContext<TransactionDbContext>("onegate",
            configureSettings: settings => settings.DisableRetry = true,
            configureDbContextOptions: options => options.UseNpgsql(TransactionDbContext.ConfigureNpgsql));
        builder.Services.AddMigration<TransactionDbContext>();

        // Redis: regulator rate limits and read caches. Kafka: Payment's events feed the read models.
        builder.AddRedisClient("redis");
        builder.AddOneGateAuthentication();
        builder.AddKafka("kafka");

        // Payment's events feed the regulators' daily totals (exactly once, via the inbox).
        builder.Services.AddScoped<ReportProjection>();
        builder.Services.AddHostedService<TransactionEventConsumer>();

        if (builder.Configuration.GetValue<bool>("OneGate:Diagnostics:Enabled"))
        {
            builder.Services.AddSingleton<ReceivedPings>();
            builder.Services.AddHostedService<KafkaPingConsumer>();
        }
    }
}
