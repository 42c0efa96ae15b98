using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Data;
using OneGate.Auth.Users;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Profile;

public static class MeEndpoint
{
    public static RouteGroupBuilder MapMe(this RouteGroupBuilder group)
    {
        group.MapGet("/me", Me)
            .RequireAuthorization()
            .WithName("Me")
            .WithSummary("The authenticated user");
        return group;
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Me(HttpContext http, AuthDbContext db, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId && u.IsActive, cancellationToken);
        return user is null
            ? Problems.Of(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "Unauthorized", "The account no longer exists.")
            : TypedResults.Ok(UserResponse.From(user));
    }
}
