using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;
using OneGate.ServiceDefaults.Auth;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;

namespace OneGate.Payment.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<PaymentDbContext>("onegate",
            configureDbContextOptions: options => options.UseNpgsql(PaymentDbContext.ConfigureNpgsql));
        builder.Services.AddMigration<PaymentDbContext>();

        // Redis caches balances for reads only; Kafka carries committed transactions out (via the outbox).
        builder.AddRedisClient("redis");
        builder.AddOneGateAuthentication();
        builder.AddKafka("kafka");
    }
}
