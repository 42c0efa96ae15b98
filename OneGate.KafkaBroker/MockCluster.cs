using System.Runtime.InteropServices;

namespace OneGate.KafkaBroker;

/// <summary>
/// One librdkafka mock cluster with one broker. Owns the rd_kafka_t handle the cluster lives on;
/// the cluster runs its own I/O thread, so nothing needs polling.
/// </summary>
internal sealed class MockCluster : IDisposable
{
    private const int BrokerId = 1; // mock brokers are numbered from 1
    private IntPtr _rk;
    private IntPtr _mc;

    public MockCluster()
    {
        IntPtr conf = Native.rd_kafka_conf_new();
        unsafe
        {
            byte* errstr = stackalloc byte[512];

            // This handle only carries the cluster and never gets bootstrap.servers, which librdkafka
            // reports as a level-5 notice on stderr; keep warnings and errors only.
            if (Native.rd_kafka_conf_set(conf, "log_level", "4", errstr, 512) != 0)
            {
                Native.rd_kafka_conf_destroy(conf);
                throw new InvalidOperationException($"rd_kafka_conf_set failed: {Marshal.PtrToStringUTF8((IntPtr)errstr)}");
            }

            _rk = Native.rd_kafka_new(Native.RdKafkaProducer, conf, errstr, 512);
            if (_rk == IntPtr.Zero)
            {
                Native.rd_kafka_conf_destroy(conf); // rd_kafka_new only takes ownership on success
                throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)errstr)}");
            }
        }

        _mc = Native.rd_kafka_mock_cluster_new(_rk, 1);
        if (_mc == IntPtr.Zero)
        {
            Dispose();
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        // The default initial rebalance delay (3 s) makes every consumer-group join slow.
        Native.rd_kafka_mock_group_initial_rebalance_delay_ms(_mc, 0);
    }

    public static string LibrdkafkaVersion => Marshal.PtrToStringUTF8(Native.rd_kafka_version_str()) ?? "?";

    /// <summary>The broker's real listener, e.g. <c>127.0.0.1:41234</c> (ephemeral port).</summary>
    public string Bootstraps => Marshal.PtrToStringUTF8(Native.rd_kafka_mock_cluster_bootstraps(_mc))
        ?? throw new InvalidOperationException("no bootstrap servers");

    public void CreateTopic(string name, int partitions)
    {
        int err = Native.rd_kafka_mock_topic_create(_mc, name, partitions, 1);
        if (err != 0)
        {
            throw new InvalidOperationException(
                $"creating topic '{name}' failed: {Marshal.PtrToStringUTF8(Native.rd_kafka_err2str(err))}");
        }
    }

    /// <summary>What Metadata responses report as the broker's address (does not move the listener).</summary>
    public void Advertise(string host, int port) =>
        Native.rd_kafka_mock_broker_set_host_port(_mc, BrokerId, host, port);

    public void Dispose()
    {
        // The cluster runs on the handle's resources, so it must go first.
        if (_mc != IntPtr.Zero)
        {
            Native.rd_kafka_mock_cluster_destroy(_mc);
            _mc = IntPtr.Zero;
        }

        if (_rk != IntPtr.Zero)
        {
            Native.rd_kafka_destroy(_rk);
            _rk = IntPtr.Zero;
        }
    }
}
