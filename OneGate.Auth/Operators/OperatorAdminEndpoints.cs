using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Passwords;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Operators;

/// <summary>ADMIN's management of operators (docs/backoffice.md, "Managing operators"); every change is audited in its transaction.</summary>
public static class OperatorAdminEndpoints
{
    public static RouteGroupBuilder MapOperatorAdmin(this RouteGroupBuilder admin)
    {
        var operators = admin.MapGroup("/operators").RequireOperator(OperatorPolicies.Admin);
        operators.MapPost("", Create)
            .WithName("CreateOperator")
            .WithSummary("Create an operator with an initial password and roles; returns its TOTP enrolment once")
            .WithDescription("The creating admin hands the password and the enrolment (QR code) to the new operator in person. " +
                             "The username must be new (409 OPERATOR_EXISTS).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        operators.MapGet("", List)
            .WithName("ListOperators")
            .WithSummary("Every operator, active or not, in creation order");
        operators.MapGet("/{operatorId:int}", Get)
            .WithName("GetOperator")
            .WithSummary("One operator")
            .ProducesProblem(StatusCodes.Status404NotFound);
        operators.MapPut("/{operatorId:int}/roles", ChangeRoles)
            .WithName("ChangeOperatorRoles")
            .WithSummary("Replace an operator's roles; its sessions end (their tokens carry the old roles)")
            .WithDescription(Refusals)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        operators.MapPost("/{operatorId:int}/totp-reset", ResetTotp)
            .WithName("ResetOperatorTotp")
            .WithSummary("Give an operator a new TOTP secret, returned once as enrolment; the old codes stop working and its sessions end")
            .WithDescription(Refusals)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        operators.MapPost("/{operatorId:int}/deactivate", Deactivate)
            .WithName("DeactivateOperator")
            .WithSummary("Deactivate an operator for good (reason required); its sessions end at once at every service")
            .WithDescription(Refusals)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return admin;
    }

    private const string Refusals = "404 OPERATOR_NOT_FOUND for an unknown id; 409 OPERATOR_INACTIVE for a deactivated operator; 409 LAST_ADMIN " +
                                    "when the change would leave no active ADMIN (an admin cannot demote or deactivate itself as the last " +
                                    "one); 503 SERVICE_UNAVAILABLE with Retry-After, nothing changed, when the operator's sessions could not " +
                                    "be ended (the session store failed); 403 FORBIDDEN when the acting admin has lost the ADMIN role or been deactivated meanwhile. " +
                                    "Every change, the end of the operator's sessions and its audit event (before, after, reason) happen together.";

    private static async Task<Ok<List<OperatorResponse>>> List(AuthDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.Operators.AsNoTracking().OrderBy(o => o.Id).ToListAsync(cancellationToken)).Select(OperatorResponse.From).ToList());

    private static async Task<Results<Ok<OperatorResponse>, ProblemHttpResult>> Get(int operatorId, AuthDbContext db, CancellationToken cancellationToken) =>
        await db.Operators.AsNoTracking().SingleOrDefaultAsync(o => o.Id == operatorId, cancellationToken) is { } op
            ? TypedResults.Ok(OperatorResponse.From(op))
            : Refused(OperatorChange.NotFound);

    private static async Task<Results<Ok<OperatorResponse>, ValidationProblem, ProblemHttpResult>> ChangeRoles(
        int operatorId, ChangeRolesRequest request, HttpContext http, OperatorChanges changes, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        AddError(errors, "roles", OperatorRules.RolesError(request.Roles));
        AddError(errors, "reason", OperatorRules.ReasonError(request.Reason));
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var roles = OperatorRules.Canonical(request.Roles!);
        var (result, op) = await changes.ApplyAsync(operatorId, AuditActions.OperatorRolesChange, o => o.Roles = roles, request.Reason, cancellationToken);
        return op is null ? Refused(result, http) : TypedResults.Ok(OperatorResponse.From(op));
    }

    private static async Task<Results<Ok<EnrolledOperatorResponse>, ValidationProblem, ProblemHttpResult>> ResetTotp(
        int operatorId, OperatorActionRequest request, HttpContext http, OperatorChanges changes, TotpSecrets totp, CancellationToken cancellationToken)
    {
        if (OperatorRules.ReasonError(request.Reason) is { } error)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["reason"] = [error] });
        }

        var secret = TotpSecrets.NewSecret();
        var (result, op) = await changes.ApplyAsync(operatorId, AuditActions.OperatorTotpReset, o =>
        {
            o.TotpSecret = totp.Protect(secret, o.Username);
            o.TotpLastStep = 0;
        }, request.Reason, cancellationToken);
        return op is null ? Refused(result, http) : TypedResults.Ok(new EnrolledOperatorResponse(OperatorResponse.From(op), TotpEnrolment.Of(op.Username, secret)));
    }

    private static async Task<Results<Ok<OperatorResponse>, ValidationProblem, ProblemHttpResult>> Deactivate(
        int operatorId, OperatorActionRequest request, HttpContext http, OperatorChanges changes, CancellationToken cancellationToken)
    {
        if ((string.IsNullOrWhiteSpace(request.Reason) ? "Say why the operator is deactivated." : OperatorRules.ReasonError(request.Reason)) is { } error)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["reason"] = [error] });
        }

        var (result, op) = await changes.ApplyAsync(operatorId, AuditActions.OperatorDeactivate, o => o.IsActive = false, request.Reason, cancellationToken);
        return op is null ? Refused(result, http) : TypedResults.Ok(OperatorResponse.From(op));
    }

    private static ProblemHttpResult Refused(OperatorChange result, HttpContext? http = null)
    {
        if (result == OperatorChange.SessionsNotEnded && http is not null)
        {
            http.Response.Headers.RetryAfter = OperatorRetryAfter.Seconds;
        }

        return RefusalOf(result);
    }

    private static ProblemHttpResult RefusalOf(OperatorChange result) => result switch
    {
        OperatorChange.NotFound => Problems.Of(StatusCodes.Status404NotFound, "OPERATOR_NOT_FOUND", "Operator not found", "No operator has this id."),
        OperatorChange.Inactive => Problems.Of(StatusCodes.Status409Conflict, "OPERATOR_INACTIVE", "Operator deactivated",
            "The operator is deactivated; nothing about it can change."),
        OperatorChange.LastAdmin => Problems.Of(StatusCodes.Status409Conflict, "LAST_ADMIN", "Last admin",
            "This change would leave no active ADMIN. Give another operator the ADMIN role first."),
        OperatorChange.SessionsNotEnded => Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Sessions could not be ended",
            "Nothing was changed: the operator's sessions could not be ended (the session store did not answer). Try again shortly."),
        _ => Problems.Of(StatusCodes.Status403Forbidden, "FORBIDDEN", "Forbidden", "You are no longer an active ADMIN."),
    };

    private static async Task<Results<Created<EnrolledOperatorResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateOperatorRequest request, HttpContext http, AuthDbContext db, PasswordHasher hasher, TotpSecrets totp, OperatorAudit audit,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var username = OperatorNames.Validate(request.Username);
        if (username is null)
        {
            errors["username"] = ["3 to 50 of a-z, 0-9, '.', '_' and '-', starting with a letter."];
        }

        AddError(errors, "password", OperatorRules.PasswordError(request.Password));
        AddError(errors, "roles", OperatorRules.RolesError(request.Roles));
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await hasher.HashAsync(request.Password!, HashPriority.Registration, cancellationToken) is not { } passwordHash)
        {
            http.Response.Headers.RetryAfter = OperatorRetryAfter.Seconds;
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Service busy", "Try again shortly.");
        }

        var secret = TotpSecrets.NewSecret();
        var created = new Operator
        {
            Username = username!, PasswordHash = passwordHash, TotpSecret = totp.Protect(secret, username!),
            Roles = OperatorRules.Canonical(request.Roles!), CreatedAt = time.GetUtcNow(), CreatedBy = http.User.OperatorId(),
        };
        switch (await InsertAsync(db, audit, http, created, cancellationToken))
        {
            case null:
                return Problems.Of(StatusCodes.Status409Conflict, "OPERATOR_EXISTS", "Operator exists", $"An operator named '{username}' exists already.");
            case false:
                return Refused(OperatorChange.ActorNotAdmin);
        }

        return TypedResults.Created($"/api/admin/operators/{created.Id}", new EnrolledOperatorResponse(OperatorResponse.From(created), TotpEnrolment.Of(username!, secret)));
    }

    /// <summary>
    /// True when created; false when the actor is no longer an active ADMIN (checked under the lock every change to
    /// operators takes); null when the username is taken (the unique index decides, so concurrent creations of one
    /// name make one operator).
    /// </summary>
    private static async Task<bool?> InsertAsync(AuthDbContext db, OperatorAudit audit, HttpContext http, Operator created, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (!await OperatorChanges.LockAndCheckActorAsync(db, http.User, ct))
                {
                    return false;
                }

                db.Operators.Add(created);
                await db.SaveChangesAsync(ct);
                await audit.ChangedAsync(http.User, OperatorRoles.Admin, AuditActions.OperatorCreate, OperatorAudit.OperatorTarget,
                    OperatorAudit.Id(created.Id), null, new { operatorId = created.Id, username = created.Username, roles = created.Roles }, null, ct);
                await transaction.CommitAsync(ct);
                return true;
            }, cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return null;
        }
    }

    private static void AddError(Dictionary<string, string[]> errors, string field, string? error)
    {
        if (error is not null)
        {
            errors[field] = [error];
        }
    }
}
