using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OneGate.Auth.Tokens;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Sessions;

public sealed record RefreshRequest(string? RefreshToken);

public sealed record LogoutRequest(string? RefreshToken = null);

public static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder group)
    {
        group.MapPost("/refresh", Refresh)
            .WithName("Refresh")
            .WithSummary("Exchange a refresh token for a new pair (rotation)")
            .WithDescription("The presented token stops working. Within 10 s of its rotation (a retry whose answer was lost), " +
                             "or when its session was just logged out, a token gets 401 INVALID_REFRESH_TOKEN and nothing is " +
                             "revoked. Presented again later, a rotated token is treated as theft: every session of the user " +
                             "is ended and the answer is 401 REFRESH_TOKEN_REUSED. When the session store fails mid-rotation " +
                             "the answer is 503 SERVICE_UNAVAILABLE with Retry-After and the presented token stays valid: " +
                             "retry with it.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/logout", Logout)
            .RequireAuthorization()
            .WithName("Logout")
            .WithSummary("End the current session at every service")
            .WithDescription("The bearer's session ends: its access tokens fail everywhere at once and its refresh tokens are " +
                             "revoked. An optional refreshToken of another session of the same user ends that one too.");
        return group;
    }

    private static async Task<Results<Ok<TokenPair>, ValidationProblem, ProblemHttpResult>> Refresh(
        RefreshRequest request, HttpContext http, SessionRegistry sessions, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken) || request.RefreshToken.Length > 512)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["refreshToken"] = ["Send the refresh token from login or the last refresh."] });
        }

        var result = await sessions.RotateAsync(request.RefreshToken, http.Request.Headers.UserAgent.ToString(),
            http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return result switch
        {
            { Tokens: { } tokens } => TypedResults.Ok(tokens),
            { IsReuse: true } => Problems.Of(StatusCodes.Status401Unauthorized, "REFRESH_TOKEN_REUSED", "Refresh token reused",
                "This refresh token was already used. For safety every session of this account has been ended; log in again."),
            _ => Problems.Of(StatusCodes.Status401Unauthorized, "INVALID_REFRESH_TOKEN", "Invalid refresh token",
                "The refresh token is invalid, expired or its session has ended."),
        };
    }

    private static async Task<NoContent> Logout(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] LogoutRequest? request,
        HttpContext http, SessionRegistry sessions, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        await sessions.EndAsync(userId, Guid.Parse(http.User.SessionId()), cancellationToken);
        if (!string.IsNullOrWhiteSpace(request?.RefreshToken) && request.RefreshToken.Length <= 512
            && await sessions.SessionOfAsync(userId, request.RefreshToken, cancellationToken) is { } other)
        {
            await sessions.EndAsync(userId, other, cancellationToken);
        }

        return TypedResults.NoContent();
    }
}
