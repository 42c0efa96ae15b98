using System.Text.RegularExpressions;
using OneGate.Tests.Support;

namespace OneGate.Tests.Gateway;

/// <summary>How a contract endpoint authenticates its caller.</summary>
public enum ContractAuth
{
    None,
    Bearer,
    ApiKey,
}

/// <summary>One row of the contract: method, path template (e.g. <c>/api/transactions/{transactionId}</c>), owner, auth.</summary>
public sealed record ContractEndpoint(string Method, string Path, string Service, ContractAuth Auth)
{
    /// <summary>A concrete path that the template describes, e.g. for matching against Kong's routes.</summary>
    public string SamplePath => Regex.Replace(Path, @"\{[^}]+\}", "TRX-20261124-0001");

    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// The public API contract, read from <c>docs/api.md</c>: a copy of <c>../shared/api.md</c> kept in the repository
/// because CI works in a fresh clone without <c>../shared</c>. <see cref="GatewayConfigTests"/> checks that the
/// copy still equals the original whenever the original is there.
/// </summary>
public static partial class ApiContract
{
    public static readonly string RelativePath = Path.Combine("docs", "api.md");

    public static string Text => RepositoryFiles.Read(RelativePath);

    /// <summary>
    /// Every <c>`METHOD /path`</c> in a table row. The owning service comes from the section heading
    /// ("## Payment service — ..."). The auth comes from the row ("Bearer", "no Bearer") or, failing that, from
    /// the heading's <c>`/prefix` (Bearer)</c> / <c>(X-API-Key)</c>.
    /// </summary>
    public static IReadOnlyList<ContractEndpoint> Endpoints()
    {
        var endpoints = new List<ContractEndpoint>();
        string? service = null;
        var prefixAuth = new List<(string Prefix, ContractAuth Auth)>();
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                service = SectionService(line);
                prefixAuth = HeadingAuth().Matches(line)
                    .Select(m => (m.Groups["prefix"].Value, m.Groups["auth"].Value == "Bearer" ? ContractAuth.Bearer : ContractAuth.ApiKey))
                    .ToList();
                continue;
            }

            if (service is null || !line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            foreach (Match endpoint in EndpointInCell().Matches(cells[1]))
            {
                var path = endpoint.Groups["path"].Value.Split('?')[0];
                var auth = cells[2].Contains("no Bearer", StringComparison.Ordinal) ? ContractAuth.None
                    : cells[2].StartsWith("Bearer", StringComparison.Ordinal) ? ContractAuth.Bearer
                    : prefixAuth.Where(p => path.StartsWith(p.Prefix, StringComparison.Ordinal)).Select(p => p.Auth).FirstOrDefault();
                endpoints.Add(new ContractEndpoint(endpoint.Groups["method"].Value, path, service, auth));
            }
        }

        return endpoints;
    }

    /// <summary>The seed's regulator limits as the contract states them ("Bank Indonesia 100/minute, 1000/hour, 10000/day").</summary>
    public static (int Minute, int Hour, int Day) RegulatorLimits(string regulatorName)
    {
        var text = Regex.Replace(Text, @"\s+", " ");
        var match = Regex.Match(text, Regex.Escape(regulatorName) + @" (\d+)/minute, (\d+)/hour, (\d+)/day");
        Assert.True(match.Success, $"the contract states no limits for {regulatorName}");
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value));
    }

    private static string? SectionService(string heading) =>
        heading.Contains("Authentication service", StringComparison.Ordinal) ? "auth"
        : heading.Contains("Payment service", StringComparison.Ordinal) ? "payment"
        : heading.Contains("Transaction service", StringComparison.Ordinal) ? "transaction"
        : null;

    [GeneratedRegex(@"`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/[^`\s]*)`")]
    private static partial Regex EndpointInCell();

    [GeneratedRegex(@"`(?<prefix>/[^`]+)` \((?<auth>Bearer|X-API-Key)\)")]
    private static partial Regex HeadingAuth();
}
