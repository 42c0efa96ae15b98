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
        return admin;
    }

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
            http.Response.Headers.RetryAfter = "5";
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Service busy", "Try again shortly.");
        }

        var secret = TotpSecrets.NewSecret();
        var created = new Operator
        {
            Username = username!, PasswordHash = passwordHash, TotpSecret = totp.Protect(secret, username!),
            Roles = OperatorRules.Canonical(request.Roles!), CreatedAt = time.GetUtcNow(), CreatedBy = http.User.OperatorId(),
        };
        if (!await InsertAsync(db, audit, http, created, cancellationToken))
        {
            return Problems.Of(StatusCodes.Status409Conflict, "OPERATOR_EXISTS", "Operator exists", $"An operator named '{username}' exists already.");
        }

        return TypedResults.Created($"/api/admin/operators/{created.Id}", new EnrolledOperatorResponse(OperatorResponse.From(created), TotpEnrolment.Of(username!, secret)));
    }

    /// <summary>False when the username is taken (the unique index decides, so concurrent creations of one name make one operator).</summary>
    private static async Task<bool> InsertAsync(AuthDbContext db, OperatorAudit audit, HttpContext http, Operator created, CancellationToken cancellationToken)
    {
        try
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                db.Operators.Add(created);
                await db.SaveChangesAsync(ct);
                await audit.ChangedAsync(http.User, OperatorRoles.Admin, AuditActions.OperatorCreate, OperatorAudit.OperatorTarget,
                    OperatorAudit.Id(created.Id), null, new { operatorId = created.Id, username = created.Username, roles = created.Roles }, null, ct);
                await transaction.CommitAsync(ct);
            }, cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return false;
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
