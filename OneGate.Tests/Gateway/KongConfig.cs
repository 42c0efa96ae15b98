using System.Text.RegularExpressions;
using OneGate.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace OneGate.Tests.Gateway;

/// <summary>
/// A Kong route with what a request through it gets: its Kong service's upstream, the plugins in effect (global,
/// service and route) and those configured on the route itself. A rate limit keeps its own counters only when it
/// is on the route: Kong keys counters by the plugin's route and service, so one on a service or global is shared.
/// </summary>
public sealed record KongRoute(string Name, string KongService, Uri Upstream, IReadOnlyList<string> Paths, IReadOnlyList<string> Methods,
    bool StripPath, IReadOnlyList<YamlMappingNode> Plugins, IReadOnlyList<YamlMappingNode> OwnPlugins, IReadOnlyList<string> Hosts)
{
    /// <summary>A route without hosts answers on every host, the users' API host included; one with hosts only on those.</summary>
    public bool OnEveryHost => Hosts.Count == 0;

    /// <summary>
    /// Whether Kong would route this request here: a <c>~</c> path is a regex anchored at the start (Kong 3), any other
    /// path a prefix; the methods, when listed, must include the method.
    /// </summary>
    public bool Matches(string method, string path) =>
        (Methods.Count == 0 || Methods.Contains(method)) && Paths.Any(p => p.StartsWith('~')
            ? Regex.IsMatch(path, "^(?:" + p[1..] + ")", RegexOptions.CultureInvariant)
            : path.StartsWith(p, StringComparison.Ordinal));

    public bool Has(string plugin) => Plugins.Any(p => KongConfig.Scalar(p, "name") == plugin);

    /// <summary>The configuration of the one plugin of that name on the route itself.</summary>
    public YamlMappingNode OwnPlugin(string name) => KongConfig.Config(OwnPlugins.Single(p => KongConfig.Scalar(p, "name") == name));
}

/// <summary>kong/kong.yml read with YamlDotNet's representation model (the same YAML Kong reads, no schema of ours).</summary>
public sealed class KongConfig
{
    public static readonly string RelativePath = Path.Combine("kong", "kong.yml");

    private KongConfig(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public static KongConfig Load(string? path = null)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(path ?? RepositoryFiles.PathOf(RelativePath)));
        stream.Load(reader);
        return new KongConfig((YamlMappingNode)stream.Documents.Single().RootNode);
    }

    public IEnumerable<YamlMappingNode> Services => Sequence(Root, "services");

    public IEnumerable<YamlMappingNode> Consumers => Sequence(Root, "consumers");

    public IEnumerable<YamlMappingNode> GlobalPlugins => Sequence(Root, "plugins");

    public IReadOnlyList<KongRoute> Routes() =>
    [
        .. Services.SelectMany(service => Sequence(service, "routes").Select(route => new KongRoute(
            Scalar(route, "name")!,
            Scalar(service, "name")!,
            new Uri(Scalar(service, "url")!),
            Strings(route, "paths"),
            Strings(route, "methods"),
            Scalar(route, "strip_path") != "false",
            [.. GlobalPlugins, .. Sequence(service, "plugins"), .. Sequence(route, "plugins")],
            [.. Sequence(route, "plugins")],
            Strings(route, "hosts")))),
    ];

    public YamlMappingNode GlobalPlugin(string name) => GlobalPlugins.Single(p => Scalar(p, "name") == name);

    /// <summary>Every plugin anywhere in the file: global, on services, on routes and on consumers.</summary>
    public IEnumerable<YamlMappingNode> AllPlugins() =>
        GlobalPlugins
            .Concat(Services.SelectMany(s => Sequence(s, "plugins").Concat(Sequence(s, "routes").SelectMany(r => Sequence(r, "plugins")))))
            .Concat(Consumers.SelectMany(c => Sequence(c, "plugins")));

    public static YamlMappingNode Config(YamlMappingNode plugin) => (YamlMappingNode)plugin.Children[new YamlScalarNode("config")];

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    public static IReadOnlyList<string> Strings(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? [.. ((YamlSequenceNode)value).Children.Cast<YamlScalarNode>().Select(s => s.Value!)]
            : [];

    public static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? ((YamlSequenceNode)value).Children.Cast<YamlMappingNode>()
            : [];
}
