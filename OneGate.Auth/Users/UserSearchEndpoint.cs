using OneGate.Auth.Registration;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Auth.Users;

/// <summary>The back office finds users (docs/backoffice.md, "Finding users"); every search is audited with the ids it returned.</summary>
public static class UserSearchEndpoint
{
    /// <summary>The roles that see e-mail and phone unmasked: OPERATIONS contacts users about their money, COMPLIANCE investigates.</summary>
    private static readonly string[] UnmaskedRoles = [OperatorRoles.Compliance, OperatorRoles.Operations];

    public static RouteGroupBuilder MapUserSearch(this RouteGroupBuilder admin)
    {
        admin.MapGet("/users", Search)
            .RequireOperator(OperatorPolicies.Support)
            .WithName("SearchUsers")
            .WithSummary("Find a user by exactly one of username, e-mail, phone or user id")
            .WithDescription("SUPPORT sees e-mail and phone masked; OPERATIONS and COMPLIANCE see them whole. Matching is exact " +
                             "(username and e-mail ignore case; a phone in any accepted form). Every search is recorded in the audit " +
                             "trail (operator.users.search: which kind of identifier and the ids found, never the identifier).");
        return admin;
    }

    private static async Task<Results<Ok<List<AdminUserResponse>>, ValidationProblem>> Search(string? username, string? email, string? phone, int? userId,
        HttpContext http, AuthDbContext db, OperatorAudit audit, CancellationToken cancellationToken)
    {
        var given = new (string Name, bool Present)[]
        {
            ("username", !string.IsNullOrWhiteSpace(username)), ("email", !string.IsNullOrWhiteSpace(email)),
            ("phone", !string.IsNullOrWhiteSpace(phone)), ("userId", userId is not null),
        }.Where(g => g.Present).Select(g => g.Name).ToList();
        var normalisedPhone = PhoneNumber.Normalise(phone);
        // Each identifier is checked as registration checks it: what no user can have is bad input, not an empty result.
        var error = given.Count != 1 ? "Give exactly one of username, email, phone or userId."
            : given[0] == "username" && !RegistrationRules.IsUsername(username!.Trim().ToLowerInvariant()) ? "Not a username (3 to 50 of a-z, 0-9, '_', '.', with a letter)."
            : given[0] == "email" && !RegistrationRules.IsEmail(email!.Trim()) ? "Not an e-mail address."
            : given[0] == "phone" && normalisedPhone is null ? "Not a phone number (08…, 628… or +628…)."
            : given[0] == "userId" && userId <= 0 ? "A user id is a positive number."
            : null;
        if (error is not null)
        {
            return Problems.Validation(new Dictionary<string, string[]> { [given.Count == 1 ? given[0] : "query"] = [error] });
        }

        var name = username?.Trim().ToLowerInvariant();
        var mail = email?.Trim().ToLowerInvariant();
        var users = await db.Users.AsNoTracking()
            .Where(u => name != null ? u.Username.ToLower() == name
                : mail != null ? u.Email.ToLower() == mail
                : normalisedPhone != null ? u.Phone == normalisedPhone
                : u.Id == userId)
            .OrderBy(u => u.Id).Take(20).ToListAsync(cancellationToken);
        var role = UnmaskedRoles.FirstOrDefault(http.User.IsInRole) ?? OperatorRoles.Support;
        var masked = role == OperatorRoles.Support;
        await audit.SearchedAsync(http.User, role, given[0], users.Select(u => u.Id).ToArray(), masked, cancellationToken);
        return TypedResults.Ok(users.Select(u => AdminUserResponse.From(u, masked)).ToList());
    }
}
