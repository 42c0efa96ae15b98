using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace OneGate.Tests.Support.Conformance;

/// <summary>
/// What every validated exchange of a test run found, shared by all the clients of one app: the violations, and
/// which operations answered with which statuses (so a test can also show that it reached every operation).
/// </summary>
public sealed class ContractViolations
{
    private readonly ConcurrentQueue<ContractViolation> found = new();
    private readonly ConcurrentDictionary<(string Service, string Operation, int Status), int> seen = new();

    public int Count => found.Count;

    public void Saw(string service, string operation, int status) => seen.AddOrUpdate((service, operation, status), 1, (_, n) => n + 1);

    public void Record(ContractViolation violation) => found.Enqueue(violation);

    /// <summary>The violations recorded after the first <paramref name="skip"/> (a mark taken with <see cref="Count"/>).</summary>
    public IReadOnlyList<ContractViolation> Since(int skip) => found.Skip(skip).ToList();

    /// <summary>The operations that answered at least once, as "service operation".</summary>
    public IReadOnlySet<string> OperationsSeen() => seen.Keys.Select(k => $"{k.Service} {k.Operation}").ToHashSet();

    /// <summary>One line per distinct violation, with how often it happened.</summary>
    public static string Describe(IEnumerable<ContractViolation> violations)
    {
        var text = new StringBuilder();
        foreach (var group in violations.GroupBy(v => v.ToString()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key}{(group.Count() > 1 ? $" (x{group.Count()})" : "")}");
        }

        return text.ToString();
    }
}
