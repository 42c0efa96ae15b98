using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Passwords;
using OneGate.Auth.Sessions;
using OneGate.Auth.Tokens;
using OneGate.Auth.Users;

namespace OneGate.Auth.Login;

public static class LoginEndpoint
{
    private const string BusyRetryAfterSeconds = "5";

    public static RouteGroupBuilder MapLogin(this RouteGroupBuilder group)
    {
        group.MapPost("/login", Login)
            .WithName("Login")
            .WithSummary("Log in with username, e-mail or phone and password; starts a session")
            .WithDescription("Attempts are counted before the password is checked. After 5 failures for one identifier " +
                             "from one client within 15 minutes, or 20 from one client, the answer is 429 TOO_MANY_ATTEMPTS " +
                             "with Retry-After; the window is not extended by refused attempts. An identifier under attack " +
                             "from many clients refuses only clients that have failed. An unknown user and a wrong password " +
                             "get the same 401. A client that has logged in to the identifier before is checked first, then " +
                             "clients new to it, then clients with failures in their window; when too many attempts of the " +
                             "latter two kinds wait, the answer is 503 SERVICE_UNAVAILABLE with Retry-After and the attempt " +
                             "is not counted.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Ok<TokenPair>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext http, AuthDbContext db, PasswordHasher hasher, LoginThrottle throttle,
        SessionRegistry sessions, AuthAudit audit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        // No identifier holds control characters, and Postgres refuses a NUL in text: refuse them here, not in the query.
        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > 255 || request.Username.Any(char.IsControl))
        {
            errors["username"] = ["Enter your username, e-mail or phone number."];
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > 128)
        {
            errors["password"] = ["Enter your password (at most 128 characters)."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var identifier = request.Username!.Trim().ToLowerInvariant();
        var client = http.Connection.RemoteIpAddress;
        var ip = client?.ToString() ?? "unknown";
        // Reserved before the user is even looked up: the answer is the same for an unknown identifier, and no
        // number of concurrent attempts gets more password checks than the limits allow.
        var reservation = await throttle.TryReserveAsync(identifier, client);
        if (reservation.Refused)
        {
            await audit.LoginThrottledAsync(LoginThrottle.IdentifierKey(identifier), reservation.RetryAfter);
            http.Response.Headers.RetryAfter = reservation.RetryAfter.ToString(CultureInfo.InvariantCulture);
            return Problems.Of(StatusCodes.Status429TooManyRequests, "TOO_MANY_ATTEMPTS", "Too many failed attempts",
                $"Too many failed login attempts. Try again in {reservation.RetryAfter} seconds.");
        }

        var (user, passwordOk) = await LoginVerdict.CheckAsync(throttle, reservation, hasher, ct => FindUserAsync(db, identifier, ct),
            u => u.PasswordHash, request.Password!, cancellationToken);
        if (passwordOk is null)
        {
            http.Response.Headers.RetryAfter = BusyRetryAfterSeconds;
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Service busy",
                "Too many logins are being checked. Try again shortly.");
        }

        if (passwordOk is false || user is null || !user.IsActive)
        {
            await throttle.FailedAsync(reservation);
            await audit.LoginFailedAsync(user?.Id);
            return Problems.Of(StatusCodes.Status401Unauthorized, "INVALID_CREDENTIALS", "Invalid credentials",
                "The username or password is incorrect.");
        }

        await throttle.ReleaseAsync(reservation);
        if (hasher.NeedsRehash(user.PasswordHash))
        {
            var rehashed = (await hasher.HashAsync(request.Password!, HashPriority.KnownLogin, cancellationToken))!;
            await db.Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, rehashed).SetProperty(u => u.UpdatedAt, DateTimeOffset.UtcNow), cancellationToken);
        }

        // The session's start records the login in the audit trail, in the same transaction.
        var tokens = await sessions.StartAsync(user.Id, http.Request.Headers.UserAgent.ToString(), ip, cancellationToken);
        return TypedResults.Ok(tokens);
    }

    /// <summary>By username, e-mail or phone; when one string matches several users, the username wins.</summary>
    private static async Task<User?> FindUserAsync(AuthDbContext db, string identifier, CancellationToken cancellationToken)
    {
        var phone = PhoneNumber.Normalise(identifier);
        var candidates = await db.Users.AsNoTracking()
            .Where(u => u.Username.ToLower() == identifier || u.Email.ToLower() == identifier || (phone != null && u.Phone == phone))
            .Take(3)
            .ToListAsync(cancellationToken);
        return candidates.FirstOrDefault(u => u.Username == identifier)
            ?? candidates.FirstOrDefault(u => string.Equals(u.Email, identifier, StringComparison.OrdinalIgnoreCase))
            ?? candidates.FirstOrDefault();
    }
}
