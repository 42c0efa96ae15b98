using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OneGate.ServiceDefaults.Kafka;

/// <summary>
/// librdkafka's log and error callbacks for one client, through <see cref="ILogger"/> (without a handler librdkafka
/// writes every line to stderr). A lost or refused broker connection is at most a warning: the client reconnects by
/// itself, and what cannot be delivered fails its own call. While the host stops, the broker going away first is
/// expected, so those lines are debug. Other errors are warnings too (librdkafka recovers from every non-fatal one).
/// </summary>
public sealed class KafkaClientLog(ILogger logger, IHostApplicationLifetime? lifetime = null)
{
    private bool Stopping => lifetime?.ApplicationStopping.IsCancellationRequested ?? false;

    public void OnLog(IClient client, LogMessage message) =>
        logger.Log(LevelOf(message), "librdkafka {Facility}: {Message}", message.Facility, message.Message);

    public void OnError(IClient client, Error error) =>
        logger.Log(LevelOf(error), "Kafka client error {Code}: {Reason}", error.Code, error.Reason);

    public LogLevel LevelOf(LogMessage message)
    {
        var level = message.Level.ToLogLevel();
        if (!IsConnectionLoss(message))
        {
            return level;
        }

        if (Stopping)
        {
            return LogLevel.Debug;
        }

        return level > LogLevel.Warning ? LogLevel.Warning : level;
    }

    public LogLevel LevelOf(Error error) => error switch
    {
        { IsFatal: true } => LogLevel.Critical,
        { Code: ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Resolve } when Stopping => LogLevel.Debug,
        _ => LogLevel.Warning,
    };

    // FAIL is a broker connection that failed or dropped; ERROR's transport lines ("1/1 brokers are down") follow it.
    private static bool IsConnectionLoss(LogMessage message) =>
        message.Facility == "FAIL" || (message.Facility == "ERROR" && message.Message.Contains("brokers are down", StringComparison.Ordinal));
}
