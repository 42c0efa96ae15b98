namespace OneGate.Tests.Support;

/// <summary>Files of the repository under test, found from the test binaries (no app is booted).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OneGate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OneGate.sln not found above the test binaries");
    }
}
