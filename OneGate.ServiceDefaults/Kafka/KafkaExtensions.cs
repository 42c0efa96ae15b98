using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OneGate.ServiceDefaults.Kafka;

public static class KafkaExtensions
{
    /// <summary>
    /// Registers the Kafka connection from <c>ConnectionStrings:{connectionName}</c> (bootstrap servers),
    /// a shared idempotent producer and, unless <paramref name="readinessCheck"/> is false, a readiness check (a
    /// service whose requests never need Kafka, only its outbox relay, stays ready while Kafka is away).
    /// </summary>
    public static IHostApplicationBuilder AddKafka(this IHostApplicationBuilder builder, string connectionName, bool readinessCheck = true)
    {
        var bootstrapServers = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} (Kafka bootstrap servers) is not configured.");

        builder.Services.AddSingleton(sp => new KafkaConnection(bootstrapServers, builder.Environment.ApplicationName,
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IHostApplicationLifetime>()));
        builder.Services.AddSingleton(sp =>
        {
            var connection = sp.GetRequiredService<KafkaConnection>();
            var log = connection.ClientLog("OneGate.Kafka.Producer");
            return new ProducerBuilder<string, string>(connection.ProducerConfig())
                .SetLogHandler(log.OnLog)
                .SetErrorHandler(log.OnError)
                .Build();
        });
        if (readinessCheck)
        {
            builder.Services.AddSingleton<KafkaHealthCheck>();
            builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>(connectionName);
        }

        return builder;
    }

    public static LogLevel ToLogLevel(this SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
