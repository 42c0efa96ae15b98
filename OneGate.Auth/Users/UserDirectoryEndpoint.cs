using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Data;

namespace OneGate.Auth.Users;

public sealed record ResolvedUser(int Id, string Username);

/// <summary>
/// Service-to-service lookup of a transfer recipient (Payment calls it with the sender's token). Internal:
/// Kong routes only /api/auth, so clients cannot reach it, and it answers only authenticated callers.
/// </summary>
public static class UserDirectoryEndpoint
{
    public static IEndpointRouteBuilder MapUserDirectory(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/users/resolve", Resolve)
            .RequireAuthorization()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<ResolvedUser>, NotFound>> Resolve(string? username, string? phone, AuthDbContext db, CancellationToken ct)
    {
        var name = username?.Trim().ToLowerInvariant();
        var normalisedPhone = PhoneNumber.Normalise(phone);
        if (string.IsNullOrEmpty(name) && normalisedPhone is null)
        {
            return TypedResults.NotFound();
        }

        var user = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && (name != null ? u.Username.ToLower() == name : u.Phone == normalisedPhone))
            .Select(u => new ResolvedUser(u.Id, u.Username))
            .SingleOrDefaultAsync(ct);
        return user is null ? TypedResults.NotFound() : TypedResults.Ok(user);
    }
}
