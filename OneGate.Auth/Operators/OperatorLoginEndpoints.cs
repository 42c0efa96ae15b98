using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Login;
using OneGate.Auth.Passwords;
using OneGate.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace OneGate.Auth.Operators;

/// <summary>Operators' login (password and TOTP code), logout and session (docs/backoffice.md, "Operator login").</summary>
public static partial class OperatorLoginEndpoints
{
    public static RouteGroupBuilder MapOperatorLogin(this RouteGroupBuilder admin)
    {
        var auth = admin.MapGroup("/auth");
        auth.MapPost("/login", Login)
            .WithName("OperatorLogin")
            .WithSummary("Log an operator in with username, password and TOTP code; starts an 8-hour session")
            .WithDescription("The login throttle of users applies (its identifiers prefixed 'operator:'): after 5 failures for " +
                             "one operator from one client within 15 minutes the answer is 429 TOO_MANY_ATTEMPTS with Retry-After. " +
                             "A wrong password, a wrong or already used code, an unknown or a deactivated operator all get the " +
                             "same 401 INVALID_CREDENTIALS. Each code is accepted once (of concurrent logins with one code, one " +
                             "succeeds). The session ends after 8 hours, after 30 minutes without a request to any service, at " +
                             "logout, or when an admin deactivates the operator, changes its roles or resets its TOTP secret.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/logout", Logout)
            .RequireOperator(OperatorPolicies.AnyOperator)
            .WithName("OperatorLogout")
            .WithSummary("End the operator's current session at every service");
        auth.MapGet("/session", Session)
            .RequireOperator(OperatorPolicies.AnyOperator)
            .WithName("OperatorSession")
            .WithSummary("The logged-in operator (and, like every request, it extends the session's idle timeout)");
        return admin;
    }

    private static async Task<Results<Ok<OperatorLoginResponse>, ValidationProblem, ProblemHttpResult>> Login(
        OperatorLoginRequest request, HttpContext http, AuthDbContext db, PasswordHasher hasher, LoginThrottle throttle,
        OperatorSessions sessions, OperatorAudit audit, AuthAudit userAudit, CancellationToken cancellationToken)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var username = request.Username!.Trim().ToLowerInvariant();
        var identifier = LoginThrottle.OperatorIdentifierPrefix + username;
        var reservation = await throttle.TryReserveAsync(identifier, http.Connection.RemoteIpAddress);
        if (reservation.Refused)
        {
            await userAudit.LoginThrottledAsync(LoginThrottle.IdentifierKey(identifier), reservation.RetryAfter, AuditActions.OperatorLoginThrottled);
            http.Response.Headers.RetryAfter = reservation.RetryAfter.ToString(CultureInfo.InvariantCulture);
            return Problems.Of(StatusCodes.Status429TooManyRequests, "TOO_MANY_ATTEMPTS", "Too many failed attempts",
                $"Too many failed login attempts. Try again in {reservation.RetryAfter} seconds.");
        }

        var (op, passwordOk) = await LoginVerdict.CheckAsync(throttle, reservation, hasher,
            ct => db.Operators.AsNoTracking().SingleOrDefaultAsync(o => o.Username == username, ct), o => o.PasswordHash, request.Password!, cancellationToken);
        if (passwordOk is null)
        {
            http.Response.Headers.RetryAfter = OperatorRetryAfter.Seconds;
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "Service busy",
                "Too many logins are being checked. Try again shortly.");
        }

        var (started, failure) = passwordOk is false || op is null ? (null, "password") : await StartOrUnreserveAsync(sessions, throttle, reservation, op, request.Code!, cancellationToken);
        if (failure is not null)
        {
            await throttle.FailedAsync(reservation);
            await audit.LoginFailedAsync(op?.Id, failure);
            return InvalidCredentials();
        }

        await ReleaseAfterSuccessAsync(throttle, reservation);
        return TypedResults.Ok(started!);
    }

    /// <summary>
    /// A fault while starting the session (database or Redis down, the connection ended, the client gone while waiting
    /// for a lock) is no verdict on the code: the reservation is given back, so faults cannot lock an operator out.
    /// </summary>
    private static async Task<(OperatorLoginResponse? Started, string? Failure)> StartOrUnreserveAsync(OperatorSessions sessions,
        LoginThrottle throttle, LoginReservation reservation, Operator op, string code, CancellationToken cancellationToken)
    {
        try
        {
            return await sessions.StartAsync(op, code, cancellationToken);
        }
        catch
        {
            await throttle.UnreserveAsync(reservation);
            throw;
        }
    }

    /// <summary>The login has committed: a Redis fault now leaves the attempt counted (it lapses with the window) rather than turning a recorded success into a 503.</summary>
    private static async Task ReleaseAfterSuccessAsync(LoginThrottle throttle, LoginReservation reservation)
    {
        try
        {
            await throttle.ReleaseAsync(reservation);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Counted as an attempt, not as a failure: it does not make the client suspect.
        }
    }

    private static ProblemHttpResult InvalidCredentials() =>
        Problems.Of(StatusCodes.Status401Unauthorized, "INVALID_CREDENTIALS", "Invalid credentials", "The username, password or code is incorrect.");

    private static Dictionary<string, string[]> Validate(OperatorLoginRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > 50 || request.Username.Any(char.IsControl))
        {
            errors["username"] = ["Enter your operator username."];
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > 128)
        {
            errors["password"] = ["Enter your password (at most 128 characters)."];
        }

        if (request.Code is null || !SixDigits().IsMatch(request.Code))
        {
            errors["code"] = ["Enter the 6-digit code of your authenticator app."];
        }

        return errors;
    }

    private static async Task<NoContent> Logout(HttpContext http, OperatorSessions sessions, OperatorAudit audit, CancellationToken cancellationToken)
    {
        await sessions.EndAsync(http.User.OperatorId(), Guid.Parse(http.User.SessionId()));
        await audit.LoggedOutAsync(http.User, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<OperatorResponse>, ProblemHttpResult>> Session(HttpContext http, AuthDbContext db, CancellationToken cancellationToken)
    {
        var id = http.User.OperatorId();
        var op = await db.Operators.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id && o.IsActive, cancellationToken);
        return op is null
            ? Problems.Of(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "Unauthorized", "The operator no longer exists or is inactive.")
            : TypedResults.Ok(OperatorResponse.From(op));
    }

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex SixDigits();
}
