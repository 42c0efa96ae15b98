using System.Globalization;
using System.Text.RegularExpressions;

namespace OneGate.Benchmarks;

/// <summary>
/// A Payment replica's garbage collections and the time they paused it (the runtime's <c>dotnet.gc.collections</c>
/// and <c>dotnet.gc.pause.time</c> on its Prometheus endpoint, with the bytes allocated meanwhile,
/// <c>dotnet.gc.heap.total_allocated</c>), read before and after a row: a pause stops every
/// request of the replica at once, which a row's tail shows as requests all slow in the same moment.
/// </summary>
public sealed partial record GcPauses(double PauseSeconds, long Gen0, long Gen1, long Gen2, double AllocatedBytes)
{
    /// <param name="text">A scrape of the endpoint (<see cref="ReplicaMetrics"/>); null when it has no GC counters.</param>
    public static GcPauses? Parse(string text)
    {
        var pause = PauseLine().Match(text);
        var allocated = AllocatedLine().Match(text);
        long Collections(string generation) => CollectionLine().Matches(text).Where(m => m.Groups[1].Value == generation)
            .Sum(m => (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        return pause.Success
            ? new GcPauses(double.Parse(pause.Groups[1].Value, CultureInfo.InvariantCulture), Collections("gen0"), Collections("gen1"), Collections("gen2"),
                allocated.Success ? double.Parse(allocated.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN)
            : null;
    }

    /// <summary>This process's own (the load generator's): a pause here delays every request in flight as the client sees it.</summary>
    public static GcPauses OfThisProcess() => new(GC.GetTotalPauseDuration().TotalSeconds, GC.CollectionCount(0) - GC.CollectionCount(1),
        GC.CollectionCount(1) - GC.CollectionCount(2), GC.CollectionCount(2), GC.GetTotalAllocatedBytes());

    public static GcPauses operator -(GcPauses after, GcPauses before) =>
        new(after.PauseSeconds - before.PauseSeconds, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2,
            after.AllocatedBytes - before.AllocatedBytes);

    /// <param name="transfers">The row's transfers, to show what each allocated (what drives the collections).</param>
    public string Describe(long transfers) => string.Create(CultureInfo.InvariantCulture,
        $"{PauseSeconds * 1000:F0} ms paused in {Gen0 + Gen1 + Gen2} collections (gen0 {Gen0}, gen1 {Gen1}, gen2 {Gen2}), {AllocatedBytes / Math.Max(1, transfers) / 1024:F0} KB allocated per transfer");

    [GeneratedRegex(@"^dotnet_gc_pause_time_seconds_total(?:\{[^}]*\})? (\S+)", RegexOptions.Multiline)]
    private static partial Regex PauseLine();

    [GeneratedRegex(@"^dotnet_gc_heap_total_allocated_bytes_total(?:\{[^}]*\})? (\S+)", RegexOptions.Multiline)]
    private static partial Regex AllocatedLine();

    [GeneratedRegex(@"^dotnet_gc_collections_total\{[^}]*gc_heap_generation=""(\w+)""[^}]*\} (\S+)", RegexOptions.Multiline)]
    private static partial Regex CollectionLine();
}
