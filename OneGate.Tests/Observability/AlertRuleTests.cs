using System.Diagnostics;
using OneGate.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace OneGate.Tests.Observability;

/// <summary>
/// The alert rules the manifests deploy, checked and unit-tested by Prometheus's own promtool (Debian's
/// <c>prometheus</c> package): syntax and templates, and every alert against synthetic series
/// (manifests/observability/config/alert-rules.test.yaml). No app is booted.
/// </summary>
public sealed class AlertRuleTests
{
    private static readonly string ConfigDirectory = RepositoryFiles.PathOf("manifests", "observability", "config");

    [Fact]
    public async Task Promtool_accepts_the_alert_rules()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", "alert-rules.yaml");

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {AlertNames(Load("alert-rules.yaml")).Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_alert_rule_passes_its_promtool_unit_tests()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", "alert-rules.test.yaml");

        Assert.True(exitCode == 0, output);
    }

    /// <summary>A rule without a test that expects it to fire (labels and summary) could never fire and pass.</summary>
    [Fact]
    public void Every_alert_rule_has_a_unit_test_where_it_fires_and_one_where_it_does_not()
    {
        var tests = Load("alert-rules.test.yaml");
        Assert.Equal(["alert-rules.yaml"], ((YamlSequenceNode)tests["rule_files"]).Select(f => f.ToString()));
        var cases = ((YamlSequenceNode)tests["tests"]).Cast<YamlMappingNode>()
            .SelectMany(t => ((YamlSequenceNode)t["alert_rule_test"]).Cast<YamlMappingNode>())
            .Select(c => (Alert: c["alertname"].ToString(), Fires: ((YamlSequenceNode)c["exp_alerts"]).Children.Count > 0))
            .ToList();

        foreach (var alert in AlertNames(Load("alert-rules.yaml")))
        {
            Assert.True(cases.Contains((alert, true)), $"{alert}: no unit test expects it to fire");
            Assert.True(cases.Contains((alert, false)), $"{alert}: no unit test expects it to stay quiet");
        }
    }

    [Fact]
    public void The_rule_tests_are_not_deployed()
    {
        var kustomization = File.ReadAllText(RepositoryFiles.PathOf("manifests", "observability", "kustomization.yaml"));

        Assert.DoesNotContain("alert-rules.test.yaml", kustomization, StringComparison.Ordinal);
        Assert.Contains("onegate.yaml=config/alert-rules.yaml", kustomization, StringComparison.Ordinal);
    }

    public static List<string> AlertNames(YamlMappingNode rules) =>
        [.. ((YamlSequenceNode)rules["groups"]).Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>())
            .Select(r => r["alert"].ToString())];

    public static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(ConfigDirectory, file))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = ConfigDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var promtool = Process.Start(start)!;
        var output = promtool.StandardOutput.ReadToEndAsync();
        var errors = promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, await output + await errors);
    }
}
