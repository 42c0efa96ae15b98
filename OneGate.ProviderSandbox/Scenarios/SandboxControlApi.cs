using Microsoft.AspNetCore.Http.HttpResults;
using OneGate.ProviderSandbox.GoPay;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// The control API tests use to script the sandbox: per-reference outcomes, chaos windows, token revocation,
/// and a view of what was recorded. Not part of either provider's protocol.
/// </summary>
public static class SandboxControlApi
{
    private const int MaxReferenceLength = 100;

    public static IEndpointRouteBuilder MapSandboxControlApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/sandbox").WithTags("Sandbox control");

        api.MapPost("/scenarios", OverrideScenario)
            .WithName("OverrideScenario")
            .WithSummary("Script the outcome of the charge that will carry this reference");
        api.MapPost("/faults", StartFault)
            .WithName("StartFault")
            .WithSummary("Make the provider APIs slow and/or failing for a while");
        api.MapGet("/faults", GetFault)
            .WithName("GetFault")
            .WithSummary("The active fault, if any");
        api.MapDelete("/faults", ClearFault)
            .WithName("ClearFault")
            .WithSummary("End the active fault");
        api.MapGet("/charges/{reference}", GetCharge)
            .WithName("GetSandboxCharge")
            .WithSummary("What the sandbox recorded for a reference (status, callback deliveries)");
        api.MapDelete("/gopay/tokens", RevokeGoPayTokens)
            .WithName("RevokeGoPayTokens")
            .WithSummary("Invalidate every issued GoPay access token (as a provider restart would)");

        return app;
    }

    private static Results<Ok<ScenarioOverride>, ValidationProblem> OverrideScenario(ScenarioOverrideRequest request, ScenarioBook scenarios)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Reference) || request.Reference.Length > MaxReferenceLength)
        {
            errors["reference"] = [$"Give the order/reference id (1-{MaxReferenceLength} characters)."];
        }

        if (request.Outcome is null)
        {
            errors["outcome"] = ["Give one of succeed, decline, timeout, pending_then_succeed, pending_silent, pending_then_fail."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        scenarios.Override(request.Reference!, request.Outcome!.Value);
        return TypedResults.Ok(new ScenarioOverride(request.Reference!, request.Outcome.Value));
    }

    private static Results<Ok<ActiveFault>, ValidationProblem> StartFault(FaultRequest request, FaultInjector faults)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.LatencyMs is < 0 or > 120_000)
        {
            errors["latencyMs"] = ["Between 0 and 120000."];
        }

        if (double.IsNaN(request.FailureRate) || request.FailureRate is < 0 or > 1)
        {
            errors["failureRate"] = ["Between 0 and 1."];
        }

        if (request.DurationSeconds is < 1 or > 3600)
        {
            errors["durationSeconds"] = ["Between 1 and 3600."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(faults.Start(request.LatencyMs, request.FailureRate, request.CorruptSignatures,
            TimeSpan.FromSeconds(request.DurationSeconds)));
    }

    private static Results<Ok<ActiveFault>, NoContent> GetFault(FaultInjector faults) =>
        faults.Current is { } fault ? TypedResults.Ok(fault) : TypedResults.NoContent();

    private static NoContent ClearFault(FaultInjector faults)
    {
        faults.Clear();
        return TypedResults.NoContent();
    }

    private static Results<Ok<SandboxChargeView>, NotFound> GetCharge(string reference, ChargeBook charges) =>
        charges.Find(reference) is { } charge ? TypedResults.Ok(charge.Snapshot()) : TypedResults.NotFound();

    private static Ok<TokensRevoked> RevokeGoPayTokens(GoPayTokenStore tokens) =>
        TypedResults.Ok(new TokensRevoked(tokens.RevokeAll()));
}
