using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Passwords;
using OneGate.Auth.Users;

namespace OneGate.Auth.Registration;

public static class RegisterEndpoint
{
    private const string BusyRetryAfterSeconds = "5";

    public static RouteGroupBuilder MapRegister(this RouteGroupBuilder group)
    {
        group.MapPost("/register", Register)
            .WithName("Register")
            .WithSummary("Create an account")
            .WithDescription("Username is lower-cased; phone is stored as +628…. A taken username, e-mail or phone is 409 " +
                             "with USERNAME_TAKEN, EMAIL_TAKEN or PHONE_TAKEN (checked in that order); concurrent duplicates " +
                             "create exactly one user. Registrations per client are limited (429 TOO_MANY_ATTEMPTS with " +
                             "Retry-After); a 409 counts too. When password hashing is saturated (logins go first) and " +
                             "the registrations already waiting fill the line, the answer is 503 SERVICE_UNAVAILABLE with " +
                             "Retry-After and nothing is created.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, HttpContext http, AuthDbContext db, PasswordHasher hasher, RegistrationThrottle throttle,
        AuthAudit audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = RegistrationRules.Validate(request, out var account);
        if (account is null)
        {
            return Problems.Validation(errors);
        }

        // A client the limit refused is refused again before it can take one of the places below.
        if (throttle.RememberedWait(http.Connection.RemoteIpAddress) is > 0 and var remembered)
        {
            return TooMany(http, remembered);
        }

        // Under a flood most registrations are refused here, for the price of a lock: only those that will get an
        // Argon2 slot or a place in its line go on to cost a Redis script and a query (and are counted).
        if (!hasher.TryAdmitRegistration())
        {
            return Busy(http);
        }

        try
        {
            return await RegisterAdmittedAsync(account, http, db, hasher, throttle, audit, time, cancellationToken);
        }
        finally
        {
            hasher.DismissRegistration();
        }
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> RegisterAdmittedAsync(
        RegistrationRules.NewAccount account, HttpContext http, AuthDbContext db, PasswordHasher hasher, RegistrationThrottle throttle,
        AuthAudit audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var retryAfter = await throttle.TryReserveAsync(http.Connection.RemoteIpAddress);
        if (retryAfter > 0)
        {
            return TooMany(http, retryAfter);
        }

        // Checked first so a duplicate costs no Argon2 hash; the unique indexes decide the races.
        var email = account.Email.ToLowerInvariant();
        var taken = await db.Users.AsNoTracking()
            .Where(u => u.Username.ToLower() == account.Username || u.Email.ToLower() == email || u.Phone == account.Phone)
            .Select(u => new { u.Username, u.Email, u.Phone })
            .ToListAsync(cancellationToken);
        if (taken.Count > 0)
        {
            return Conflict(
                taken.Any(u => u.Username == account.Username) ? UserConfiguration.UsernameUniqueIndex
                : taken.Any(u => u.Email.Equals(account.Email, StringComparison.OrdinalIgnoreCase)) ? UserConfiguration.EmailUniqueIndex
                : UserConfiguration.PhoneUniqueIndex);
        }

        // Admitted, so it waits for a slot rather than being refused after it was counted.
        var passwordHash = await hasher.HashAdmittedRegistrationAsync(account.Password, cancellationToken);
        User user;
        try
        {
            user = await CreateAsync(db, audit, account, passwordHash, time.GetUtcNow(), cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            return Conflict(unique.ConstraintName);
        }

        return TypedResults.Created("/api/auth/me", UserResponse.From(user));
    }

    /// <summary>Inserts the user and its audit event in one transaction; the strategy retries the whole unit on a transient failure.</summary>
    private static async Task<User> CreateAsync(AuthDbContext db, AuthAudit audit, RegistrationRules.NewAccount account, string passwordHash,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var user = new User
            {
                Username = account.Username,
                Email = account.Email,
                Phone = account.Phone,
                PasswordHash = passwordHash,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Users.Add(user);
            await db.SaveChangesAsync(ct);
            await audit.RegisteredAsync(user, ct);
            await transaction.CommitAsync(ct);
            return user;
        }, cancellationToken);

    /// <summary>Argon2 is busy with logins and a full line of registrations: refuse now rather than queue without bound.</summary>
    private static ProblemHttpResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = BusyRetryAfterSeconds;
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Service busy",
            "Too many registrations are being processed. Try again shortly.");
    }

    private static ProblemHttpResult Conflict(string? constraint) => constraint switch
    {
        UserConfiguration.UsernameUniqueIndex => Problems.Of(StatusCodes.Status409Conflict, "USERNAME_TAKEN", "Username taken", "That username is already registered."),
        UserConfiguration.EmailUniqueIndex => Problems.Of(StatusCodes.Status409Conflict, "EMAIL_TAKEN", "E-mail taken", "That e-mail address is already registered."),
        _ => Problems.Of(StatusCodes.Status409Conflict, "PHONE_TAKEN", "Phone taken", "That phone number is already registered."),
    };

    private static ProblemHttpResult TooMany(HttpContext http, int retryAfter)
    {
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return Problems.Of(StatusCodes.Status429TooManyRequests, "TOO_MANY_ATTEMPTS", "Too many registrations",
            $"Too many registrations from this network. Try again in {retryAfter} seconds.");
    }

}
