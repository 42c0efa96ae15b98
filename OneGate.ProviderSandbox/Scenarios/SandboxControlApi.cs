using Microsoft.AspNetCore.Http.HttpResults;
using OneGate.ProviderSandbox.Notifications;
using OneGate.ProviderSandbox.Snap;

namespace OneGate.ProviderSandbox.Scenarios;

/// <summary>
/// The control API tests use to script the sandbox: per-reference outcomes, chaos windows, token revocation,
/// what each charge ended as at the provider, and notifications sent again. Not part of SNAP.
/// </summary>
public static class SandboxControlApi
{
    private const int MaxReferenceLength = 64;

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
        api.MapGet("/charges/{partnerReferenceNo}", GetCharge)
            .WithName("GetSandboxCharge")
            .WithSummary("What a charge ended as at the provider (status, refunds, notification deliveries)");
        api.MapPost("/charges/{partnerReferenceNo}/notify", NotifyAgain)
            .WithName("NotifyAgain")
            .WithSummary("Send a notification of the charge's current status again, signed afresh");
        api.MapPost("/charges/{partnerReferenceNo}/refund-failures", FailNextRefunds)
            .WithName("FailNextRefunds")
            .WithSummary("Make the next `count` refund attempts of this charge fail (500, nothing refunded); later ones succeed");
        api.MapDelete("/tokens", RevokeTokens)
            .WithName("RevokeTokens")
            .WithSummary("Invalidate every issued access token of both providers (as a provider restart would)");

        return app;
    }

    private static Results<Ok<ScenarioOverride>, ValidationProblem> OverrideScenario(ScenarioOverrideRequest request, ScenarioBook scenarios)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Reference) || request.Reference.Length > MaxReferenceLength)
        {
            errors["reference"] = [$"Give the charge's partnerReferenceNo (1-{MaxReferenceLength} characters)."];
        }

        if (request.Outcome is null)
        {
            errors["outcome"] = ["Give one of succeed, decline, timeout, pending_then_succeed, pending_silent, notify_lost, pending_then_fail, late_success, refund_fails_once."];
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

    private static Results<Ok<SandboxChargeView>, NotFound> GetCharge(string partnerReferenceNo, ChargeBook charges) =>
        charges.Find(partnerReferenceNo) is { } charge ? TypedResults.Ok(charge.Snapshot()) : TypedResults.NotFound();

    private static Results<Accepted<SandboxChargeView>, NotFound, ProblemHttpResult> NotifyAgain(string partnerReferenceNo, ChargeBook charges,
        NotificationDispatcher notifications)
    {
        if (charges.Find(partnerReferenceNo) is not { } charge)
        {
            return TypedResults.NotFound();
        }

        if (charge.State.Status == ChargeStatus.Pending)
        {
            return TypedResults.Problem("The charge is still pending: there is no outcome to notify.", statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["code"] = "CHARGE_PENDING" });
        }

        notifications.Dispatch(charge);
        return TypedResults.Accepted($"/sandbox/charges/{Uri.EscapeDataString(partnerReferenceNo)}", charge.Snapshot());
    }

    private static Results<NoContent, NotFound, ValidationProblem> FailNextRefunds(string partnerReferenceNo, RefundFailuresRequest request, ChargeBook charges)
    {
        if (request.Count is not (>= 0 and <= 100))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["count"] = ["0 to 100."] });
        }

        if (charges.Find(partnerReferenceNo) is not { } charge)
        {
            return TypedResults.NotFound();
        }

        charge.FailNextRefunds(request.Count.Value);
        return TypedResults.NoContent();
    }

    private static Ok<TokensRevoked> RevokeTokens(AccessTokens tokens) =>
        TypedResults.Ok(new TokensRevoked(tokens.RevokeAll()));
}
