namespace OneGate.Tests.Regulators;

/// <summary>The <c>keys</c> command of the Transaction binary: usage errors, and a listing that never shows a secret.</summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class KeysCommandTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task List_shows_prefixes_but_never_keys_or_hashes()
    {
        var key = await RegulatorKeys.CreateAsync(fixture, service: "BANK_INDONESIA");

        var (exit, output, _) = await RegulatorKeys.RunAsync(fixture, "list", "--service", "BANK_INDONESIA");

        Assert.Equal(0, exit);
        Assert.Contains(key.Prefix, output, StringComparison.Ordinal);
        Assert.Contains(key.Id.ToString(), output, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key.Secret))),
            output, StringComparison.Ordinal);
        Assert.DoesNotContain("og_live_", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create", "--name", "x")]
    [InlineData("create", "--service", "OJK", "--name", "x", "--permissions", "WRITE_EVERYTHING")]
    [InlineData("create", "--service", "OJK", "--name", "x", "--per-minute", "-1")]
    [InlineData("create", "--service", "OJK", "--name", "x", "--expires-in-days", "2147483647")]
    [InlineData("launch")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exit, _, error) = await RegulatorKeys.RunAsync(fixture, args);

        Assert.Equal(2, exit);
        Assert.Contains("Usage", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_key_or_service_exits_1()
    {
        Assert.Equal(1, (await RegulatorKeys.RunAsync(fixture, "revoke", "zzzzzzzz")).ExitCode);
        Assert.Equal(1, (await RegulatorKeys.RunAsync(fixture, "create", "--service", "NOBODY", "--name", "x")).ExitCode);
    }
}
