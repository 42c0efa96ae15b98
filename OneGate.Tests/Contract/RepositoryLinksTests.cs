using System.Text.RegularExpressions;
using OneGate.Tests.Support;

namespace OneGate.Tests.Contract;

/// <summary>
/// A clone of the repository is all a reader has: every relative link in its Markdown resolves to a file or folder
/// inside it, and nothing sends the reader to <c>../shared</c>, which only the product's workspace has.
/// </summary>
public sealed partial class RepositoryLinksTests
{
    public static TheoryData<string> MarkdownFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryFiles.Root, "*.md", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(RepositoryFiles.Root, f))
                     .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git" or "node_modules"))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Every_relative_link_resolves_inside_the_repository(string file)
    {
        var text = RepositoryFiles.Read(file);
        var folder = Path.GetDirectoryName(RepositoryFiles.PathOf(file))!;
        var broken = MarkdownLink().Matches(text)
            .Select(m => m.Groups["target"].Value)
            .Where(target => !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith('#') && !target.StartsWith("mailto:", StringComparison.Ordinal))
            .Where(target => !ResolvesInside(folder, target))
            .ToList();

        Assert.True(broken.Count == 0, $"{file}: links that leave the repository or lead nowhere: {string.Join(", ", broken)}");
        Assert.DoesNotContain("../shared", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_snap_conventions_copy_is_the_shared_one()
    {
        var shared = Path.GetFullPath(Path.Combine(RepositoryFiles.Root, "..", "shared", "snap.md"));
        if (File.Exists(shared))
        {
            Assert.True(File.ReadAllText(shared) == RepositoryFiles.Read("docs", "snap.md"),
                $"docs/snap.md differs from {shared}: copy it again (cp {shared} docs/snap.md)");
        }
    }

    private static bool ResolvesInside(string folder, string target)
    {
        var path = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(target.Split('#')[0])));
        var inside = path.StartsWith(RepositoryFiles.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || path == RepositoryFiles.Root;
        return inside && (File.Exists(path) || Directory.Exists(path));
    }

    // [text](target) and ![alt](target), the target up to the first space or closing parenthesis.
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();
}
