using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OneGate.ServiceDefaults.Kafka;

namespace OneGate.UnitTests.Kafka;

/// <summary>The levels at which our Kafka clients log what librdkafka reports.</summary>
public sealed class KafkaClientLogTests
{
    private static readonly LogMessage Refused = new("rdkafka#producer-1", SyslogLevel.Error, "FAIL",
        "localhost:9092/1: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)");

    private static readonly LogMessage AllDown = new("rdkafka#producer-1", SyslogLevel.Error, "ERROR", "1/1 brokers are down");

    [Fact]
    public void A_refused_broker_connection_is_a_warning_while_running_and_debug_while_stopping()
    {
        using var lifetime = new Lifetime();
        var log = new KafkaClientLog(NullLogger.Instance, lifetime);

        Assert.Equal(LogLevel.Warning, log.LevelOf(Refused));
        Assert.Equal(LogLevel.Warning, log.LevelOf(AllDown));
        Assert.Equal(LogLevel.Warning, log.LevelOf(new Error(ErrorCode.Local_Transport, "Connection refused")));

        lifetime.Stop();
        Assert.Equal(LogLevel.Debug, log.LevelOf(Refused));
        Assert.Equal(LogLevel.Debug, log.LevelOf(AllDown));
        Assert.Equal(LogLevel.Debug, log.LevelOf(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down")));
    }

    [Fact]
    public void Other_lines_keep_librdkafkas_level_even_while_stopping()
    {
        using var lifetime = new Lifetime();
        lifetime.Stop();
        var log = new KafkaClientLog(NullLogger.Instance, lifetime);

        Assert.Equal(LogLevel.Error, log.LevelOf(new LogMessage("c", SyslogLevel.Error, "PROTOERR", "bad frame")));
        Assert.Equal(LogLevel.Warning, log.LevelOf(new LogMessage("c", SyslogLevel.Warning, "COMMITFAIL", "rebalance in progress")));
        Assert.Equal(LogLevel.Information, log.LevelOf(new LogMessage("c", SyslogLevel.Notice, "CLUSTERID", "cluster id changed")));
        Assert.Equal(LogLevel.Critical, log.LevelOf(new Error(ErrorCode.Local_Fatal, "fatal", isFatal: true)));
        Assert.Equal(LogLevel.Warning, log.LevelOf(new Error(ErrorCode.Local_TimedOut, "timed out")));
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Stop() => stopping.Cancel();

        public void StopApplication() => Stop();

        public void Dispose() => stopping.Dispose();
    }
}
