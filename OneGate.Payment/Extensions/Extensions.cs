using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Admin;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.HistoryCache;
using OneGate.Payment.Idempotency;
using OneGate.Payment.Ledger;
using OneGate.Payment.Money;
using OneGate.Payment.Providers;
using OneGate.Payment.TopUps;
using OneGate.Payment.Transfers;
using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Auth;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;
using OneGate.ServiceDefaults.Outbox;
using OneGate.ServiceDefaults.Redis;

namespace OneGate.Payment.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // No automatic statement retries: a money movement is one explicit transaction, and a transient
        // failure is answered with 503 so the client retries with its Idempotency-Key (safe by design).
        builder.AddNpgsqlDbContext<PaymentDbContext>("onegate",
            configureSettings: settings =>
            {
                settings.DisableRetry = true;
                // The ledger runs the same few statements thousands of times a second: let Npgsql prepare
                // them on the server once per connection instead of parsing and planning each time.
                settings.ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(settings.ConnectionString)
                {
                    SearchPath = PaymentDbContext.Schema,
                    MaxAutoPrepare = 64,
                    AutoPrepareMinUsages = 2,
                    // A money movement holds its accounts' row locks across round trips: sessions beyond what the
                    // database's cores can run at once only lengthen every lock queue. At 16 (instead of Npgsql's
                    // 100) the hot-merchant benchmark's tail was shorter at the same rate (docs/performance.md).
                    MaxPoolSize = builder.Configuration.GetValue("Payment:Database:MaxPoolSize", 16),
                }.ConnectionString;
            },
            configureDbContextOptions: options => options.UseNpgsql(PaymentDbContext.ConfigureNpgsql));
        builder.Services.AddSchemaCheck<PaymentDbContext>();
        // After each ledger commit: invalidate the owners' history cache in Redis before answering (read-your-writes).
        builder.Services.AddSingleton<HistoryCacheInvalidation>();
        builder.Services.ConfigureDbContext<PaymentDbContext>((services, options) =>
            options.AddInterceptors(services.GetRequiredService<HistoryCacheInvalidation>()));

        // Redis: sessions (token validation). Kafka: committed transactions leave through the outbox.
        builder.AddOneGateRedisClient();
        builder.AddOneGateAuthentication();
        builder.AddKafka("kafka");

        builder.Services.AddOptions<PaymentLimits>().BindConfiguration(PaymentLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<Postings>();
        builder.Services.AddOptions<PostingOptions>().BindConfiguration(PostingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<PostingBatch>();
        builder.Services.AddScoped<SettlementBatch>();
        builder.Services.AddSingleton<PostingEngine>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PostingEngine>());
        builder.Services.AddScoped<IdempotencyKeys>();
        builder.Services.AddScoped<MoneyRequests>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddOptions<OutboxRetentionOptions>().BindConfiguration(OutboxRetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<IdempotencyPruner>();
        builder.AddEWalletProviders();
        builder.Services.AddScoped<TopUpSettlement>();
        builder.Services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<TopUpReconciliation>();
        builder.Services.AddHostedService<TopUpRefunds>();
        builder.Services.AddMemoryCache();
        // The back office: status changes and stranded-money actions, each audited in Payment's own chain.
        builder.Services.AddScoped<AccountStatusChanges>();
        builder.Services.AddScoped<StrandedRefunds>();
        builder.Services.AddSingleton(services => new AuditTrail(services.GetRequiredService<TimeProvider>(), AdminAuditActions.ChainNumber));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AdminAudit>();
        builder.Services.AddHttpClient<UserDirectory>(client => client.BaseAddress = new Uri("http://auth"));
    }
}
