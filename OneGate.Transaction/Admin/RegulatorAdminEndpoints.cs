using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneGate.ServiceDefaults.Auth;
using OneGate.Transaction.Audit;
using OneGate.Transaction.Data;
using OneGate.Transaction.Regulators;
using OneGate.Transaction.Regulators.Keys;

namespace OneGate.Transaction.Admin;

/// <summary>COMPLIANCE manages regulator services and their keys (<see cref="KeyLifecycle"/> does the work, as for the <c>keys</c> command).</summary>
public static partial class RegulatorAdminEndpoints
{
    private const int MaxNameLength = KeyLifecycle.MaxNameLength;

    public static RouteGroupBuilder MapRegulatorAdmin(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("").RequireOperator(OperatorPolicies.Compliance);
        group.MapGet("/regulators", List)
            .WithName("AdminListRegulators")
            .WithSummary("Regulator services with their keys (never a secret), each key's status and last use");
        group.MapGet("/regulators/{serviceId:int}", GetService)
            .WithName("AdminGetRegulator")
            .WithSummary("One regulator service with its keys (never a secret): where a created service's Location points")
            .WithDescription("Problems: 404 SERVICE_NOT_FOUND.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/keys/{keyId:guid}", GetKey)
            .WithName("AdminGetRegulatorKey")
            .WithSummary("One key (never its secret), its status and last use: where an issued or rotated key's Location points")
            .WithDescription("Problems: 404 KEY_NOT_FOUND.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/regulators", CreateService)
            .WithName("AdminCreateRegulator")
            .WithSummary("Create a regulator service; its permissions and rate limits are its new keys' defaults")
            .WithDescription("Problems: 400 VALIDATION_FAILED (code ^[A-Z][A-Z0-9_]{1,49}$, name 1-100, permissions one or more, rateLimits at least one " +
                             "window of 1 to 1,000,000, longer windows allowing no fewer), 409 SERVICE_EXISTS (code or name taken).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/regulators/{serviceId:int}/keys", Issue)
            .WithName("AdminIssueRegulatorKey")
            .WithSummary("Issue a key: the secret is in this answer only (stored as its SHA-256)")
            .WithDescription("Permissions and rate limits left out are the service's. Problems: 400 VALIDATION_FAILED, 404 SERVICE_NOT_FOUND, " +
                             "409 SERVICE_INACTIVE.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/keys/{keyId:guid}/rotate", Rotate)
            .WithName("AdminRotateRegulatorKey")
            .WithSummary("Issue a successor (secret shown once); the old key keeps working for the rotation grace, then is refused")
            .WithDescription("The grace is Regulators:KeyRotationGrace (24 h). Problems: 404 KEY_NOT_FOUND, 409 KEY_NOT_ACTIVE (revoked or expired), " +
                             "409 KEY_ALREADY_ROTATED (rotate its successor), 409 SERVICE_INACTIVE.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/keys/{keyId:guid}/revoke", Revoke)
            .WithName("AdminRevokeRegulatorKey")
            .WithSummary("Revoke a key (reason required): refused from now on by every replica")
            .WithDescription("Problems: 400 VALIDATION_FAILED (reason 1-1000 characters), 404 KEY_NOT_FOUND, 409 KEY_ALREADY_REVOKED.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/keys/{keyId:guid}/limits", SetLimits)
            .WithName("AdminSetRegulatorKeyLimits")
            .WithSummary("Replace a key's rate limits (per minute, hour, day)")
            .WithDescription("Problems: 400 VALIDATION_FAILED, 404 KEY_NOT_FOUND, 409 KEY_NOT_ACTIVE (revoked or expired).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return admin;
    }

    private static async Task<Ok<List<RegulatorServiceView>>> List(TransactionDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var services = await db.ExternalServices.AsNoTracking().Include(s => s.ApiKeys).OrderBy(s => s.Code).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(services.Select(s => RegulatorServiceView.From(s, s.ApiKeys, now)).ToList());
    }

    private static async Task<Results<Ok<RegulatorServiceView>, ProblemHttpResult>> GetService(int serviceId, TransactionDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        var service = await db.ExternalServices.AsNoTracking().Include(s => s.ApiKeys).SingleOrDefaultAsync(s => s.Id == serviceId, ct);
        return service is null ? Refused(KeyRefusal.ServiceNotFound)
            : TypedResults.Ok(RegulatorServiceView.From(service, service.ApiKeys, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<RegulatorKeyView>, ProblemHttpResult>> GetKey(Guid keyId, TransactionDbContext db, KeyLifecycle keys,
        CancellationToken ct)
    {
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == keyId, ct);
        return key is null ? Refused(KeyRefusal.KeyNotFound)
            : TypedResults.Ok(keys.View(key, await db.ApiKeys.AnyAsync(k => k.RotatedFromId == keyId, ct)));
    }

    private static async Task<Results<Created<RegulatorServiceView>, ValidationProblem, ProblemHttpResult>> CreateService(ServiceRequest body,
        HttpContext http, KeyLifecycle keys, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (body?.Code is not { } code || !CodePattern().IsMatch(code))
        {
            errors["code"] = ["2 to 50 characters: capital letters, digits and _, starting with a letter (e.g. BANK_INDONESIA)."];
        }

        var name = Text(body?.Name, "name", MaxNameLength, required: true, errors);
        var description = Text(body?.Description, "description", 500, required: false, errors);
        var email = body?.ContactEmail is { } e && !IsEmail(e) ? Error(errors, "contactEmail", "An e-mail address of at most 255 characters.") : body?.ContactEmail;
        var permissions = Permissions(body?.Permissions, required: true, errors);
        var windows = Limits(body?.RateLimits, required: true, errors);
        var reason = Reason(body?.Reason, required: false, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var service = new ExternalService { Code = body!.Code!, Name = name!, Description = description, ContactEmail = email, Permissions = permissions!, RateLimits = windows! };
        var result = await keys.CreateServiceAsync(service, AuditActor.Operator(http, OperatorRoles.Compliance), reason, ct);
        if (result.Refusal != KeyRefusal.None)
        {
            return Refused(result.Refusal);
        }

        return TypedResults.Created($"/api/admin/regulators/{service.Id}", RegulatorServiceView.From(service, [], clock.GetUtcNow()));
    }

    private static async Task<Results<Created<IssuedKeyResponse>, ValidationProblem, ProblemHttpResult>> Issue(int serviceId, IssueKeyRequest body,
        HttpContext http, KeyLifecycle keys, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = Text(body?.Name, "name", MaxNameLength, required: true, errors);
        var permissions = Permissions(body?.Permissions, required: false, errors);
        var windows = Limits(body?.RateLimits, required: false, errors);
        if (KeyLifecycle.LifetimeError(body?.ExpiresInDays) is { } lifetime)
        {
            errors["expiresInDays"] = [lifetime];
        }

        var reason = Reason(body?.Reason, required: false, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        DateTimeOffset? expiresAt = body!.ExpiresInDays is { } days ? clock.GetUtcNow().AddDays(days) : null;
        var result = await keys.IssueAsync(serviceId, name!, permissions, windows, expiresAt, AuditActor.Operator(http, OperatorRoles.Compliance), reason, ct);
        return result.Refusal != KeyRefusal.None ? Refused(result.Refusal)
            : Secret(http, $"/api/admin/keys/{result.Key!.Id}", new IssuedKeyResponse(keys.View(result.Key, false), result.Secret!, null));
    }

    /// <summary>A 201 carrying a secret: no cache, proxy or browser may keep it.</summary>
    private static Created<IssuedKeyResponse> Secret(HttpContext http, string location, IssuedKeyResponse issued)
    {
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created(location, issued);
    }

    private static async Task<Results<Created<IssuedKeyResponse>, ValidationProblem, ProblemHttpResult>> Rotate(Guid keyId, ReasonRequest? body,
        HttpContext http, KeyLifecycle keys, IOptions<RegulatorOptions> options, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var reason = Reason(body?.Reason, required: false, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var result = await keys.RotateAsync(keyId, options.Value.KeyRotationGrace, AuditActor.Operator(http, OperatorRoles.Compliance), reason, ct);
        return result.Refusal != KeyRefusal.None ? Refused(result.Refusal)
            : Secret(http, $"/api/admin/keys/{result.Key!.Id}",
                new IssuedKeyResponse(keys.View(result.Key, false), result.Secret!, keys.View(result.Previous!, true)));
    }

    private static async Task<Results<Ok<RegulatorKeyView>, ValidationProblem, ProblemHttpResult>> Revoke(Guid keyId, RevokeRequest body,
        HttpContext http, KeyLifecycle keys, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var reason = Reason(body?.Reason, required: true, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var result = await keys.RevokeAsync(keyId, AuditActor.Operator(http, OperatorRoles.Compliance), reason, ct);
        return result.Refusal != KeyRefusal.None ? Refused(result.Refusal) : TypedResults.Ok(keys.View(result.Key!, false));
    }

    private static async Task<Results<Ok<RegulatorKeyView>, ValidationProblem, ProblemHttpResult>> SetLimits(Guid keyId, LimitsRequest body,
        HttpContext http, KeyLifecycle keys, TransactionDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var windows = Limits(body?.RateLimits, required: true, errors);
        var reason = Reason(body?.Reason, required: false, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var result = await keys.SetLimitsAsync(keyId, windows!, AuditActor.Operator(http, OperatorRoles.Compliance), reason, ct);
        if (result.Refusal != KeyRefusal.None)
        {
            return Refused(result.Refusal);
        }

        var rotated = await db.ApiKeys.AnyAsync(k => k.RotatedFromId == keyId, ct);
        return TypedResults.Ok(keys.View(result.Key!, rotated));
    }

    private static string? Text(string? value, string field, int maxLength, bool required, Dictionary<string, string[]> errors)
    {
        if (value is null && !required)
        {
            return null;
        }

        return value?.Trim() is { Length: > 0 } trimmed && trimmed.Length <= maxLength && !trimmed.Any(char.IsControl) ? trimmed
            : Error(errors, field, $"{(required ? "Required" : "When given")}: 1 to {maxLength} characters, no control characters.");
    }

    /// <summary>A bare address (MailAddress alone also takes display names, "a b@c" being "b@c" shown as "a").</summary>
    private static bool IsEmail(string value) =>
        value.Length <= 255 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
        && System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value;

    private static ApiPermission[]? Permissions(ApiPermission[]? permissions, bool required, Dictionary<string, string[]> errors) =>
        permissions switch
        {
            null when !required => null,
            { Length: > 0 } given when given.All(Enum.IsDefined) => [.. given.Distinct().Order()],
            _ => Error<ApiPermission[]>(errors, "permissions", "One or more of READ_TRANSACTIONS, READ_REPORTS."),
        };

    private static List<RateLimitWindow>? Limits(RateLimitsView? limits, bool required, Dictionary<string, string[]> errors)
    {
        if (limits is null)
        {
            return required ? Error<List<RateLimitWindow>>(errors, "rateLimits", "Required: perMinute, perHour and/or perDay.") : null;
        }

        return limits.Error() is { } error ? Error<List<RateLimitWindow>>(errors, "rateLimits", error) : limits.Windows();
    }

    private static string? Reason(string? text, bool required, Dictionary<string, string[]> errors)
    {
        var (reason, error) = AuditReason.Check(text, required);
        return error is null ? reason : Error(errors, "reason", error);
    }

    private static string? Error(Dictionary<string, string[]> errors, string field, string message) => Error<string>(errors, field, message);

    private static T? Error<T>(Dictionary<string, string[]> errors, string field, string message) where T : class
    {
        errors[field] = [message];
        return null;
    }

    private static ProblemHttpResult Refused(KeyRefusal refusal) => refusal switch
    {
        KeyRefusal.ServiceNotFound => Problems.Of(StatusCodes.Status404NotFound, "SERVICE_NOT_FOUND", "Service not found", "No regulator service with that id."),
        KeyRefusal.ServiceInactive => Problems.Of(StatusCodes.Status409Conflict, "SERVICE_INACTIVE", "Service inactive", "The service is deactivated: it gets no keys."),
        KeyRefusal.ServiceExists => Problems.Of(StatusCodes.Status409Conflict, "SERVICE_EXISTS", "Service exists", "A service with that code or name exists already."),
        KeyRefusal.KeyNotFound => Problems.Of(StatusCodes.Status404NotFound, "KEY_NOT_FOUND", "Key not found", "No regulator key with that id."),
        KeyRefusal.KeyAlreadyRotated => Problems.Of(StatusCodes.Status409Conflict, "KEY_ALREADY_ROTATED", "Key rotated already",
            "This key has a successor already; rotate the successor."),
        KeyRefusal.KeyAlreadyRevoked => Problems.Of(StatusCodes.Status409Conflict, "KEY_ALREADY_REVOKED", "Key revoked already", "This key is revoked already."),
        _ => Problems.Of(StatusCodes.Status409Conflict, "KEY_NOT_ACTIVE", "Key not active", "This key is revoked or expired; issue a new key instead."),
    };

    [GeneratedRegex("^[A-Z][A-Z0-9_]{1,49}$")]
    private static partial Regex CodePattern();
}
