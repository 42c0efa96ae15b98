using System.Reflection;
using System.Runtime.InteropServices;

namespace OneGate.KafkaBroker;

/// <summary>P/Invoke declarations for the parts of librdkafka (and its mock cluster API) this host uses.</summary>
internal static partial class Native
{
    private const string Lib = "librdkafka";

    internal const int RdKafkaProducer = 0; // rd_kafka_type_t RD_KAFKA_PRODUCER

    // Runs before the first P/Invoke in this class, so the resolver is in place in time.
    static Native() => NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_conf_destroy(IntPtr conf);

    // Returns rd_kafka_conf_res_t: 0 is RD_KAFKA_CONF_OK.
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(Lib)]
    internal static unsafe partial IntPtr rd_kafka_new(int type, IntPtr conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_err2str(int err);

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_version_str();

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    // Returns a string owned by the cluster: read it, never free it.
    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void rd_kafka_mock_broker_set_host_port(IntPtr mcluster, int brokerId, string host, int port);

    /// <summary>Path of the native library file that was actually loaded (for the startup log).</summary>
    internal static string? LoadedFrom { get; private set; }

    // librdkafka.redist ships several Linux builds side by side. Its default librdkafka.so needs
    // libsasl2.so.3, which Debian 12 lacks, so fall back to the CentOS 8 build (the same fallback
    // Confluent.Kafka does). Files sit under runtimes/<rid>/native/ for a RID-less build or publish,
    // and flat next to the app for a RID-specific publish.
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Lib)
        {
            return IntPtr.Zero;
        }

        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string[] files = os switch
        {
            "win" => ["librdkafka.dll"],
            "osx" => ["librdkafka.dylib"],
            _ => ["librdkafka.so", "centos8-librdkafka.so"],
        };
        string[] dirs =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", $"{os}-{arch}", "native"),
            AppContext.BaseDirectory,
        ];

        foreach (string dir in dirs)
        {
            foreach (string file in files)
            {
                string path = Path.Combine(dir, file);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out IntPtr handle))
                {
                    LoadedFrom = path;
                    return handle;
                }
            }
        }

        return IntPtr.Zero; // let the runtime's default probing try (and report) it
    }
}
