namespace OneGate.Transaction.Regulators;

/// <summary>Placeholder wiring for the regulator API (being built); registers and maps nothing yet.</summary>
public static class RegulatorAccess
{
    public static IHostApplicationBuilder AddRegulatorAccess(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapRegulatorApi(this IEndpointRouteBuilder app) => app;

    /// <summary>Runs <c>keys ...</c> when the binary is started as a command; null when it is not one.</summary>
    public static Task<int?> TryRunCommandAsync(string[] args) => Task.FromResult<int?>(null);
}
