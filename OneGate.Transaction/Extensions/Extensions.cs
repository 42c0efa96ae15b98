using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Auth;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;
using OneGate.Transaction.Data;
using OneGate.Transaction.Diagnostics;

namespace OneGate.Transaction.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<TransactionDbContext>("onegate",
            configureDbContextOptions: options => options.UseNpgsql(TransactionDbContext.ConfigureNpgsql));
        builder.Services.AddMigration<TransactionDbContext>();

        // Redis: regulator rate limits and read caches. Kafka: Payment's events feed the read models.
        builder.AddRedisClient("redis");
        builder.AddOneGateAuthentication();
        builder.AddKafka("kafka");

        if (builder.Configuration.GetValue<bool>("OneGate:Diagnostics:Enabled"))
        {
            builder.Services.AddSingleton<ReceivedPings>();
            builder.Services.AddHostedService<KafkaPingConsumer>();
        }
    }
}
