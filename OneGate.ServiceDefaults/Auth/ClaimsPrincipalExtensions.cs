using System.Globalization;
using System.Security.Claims;

namespace OneGate.ServiceDefaults.Auth;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The user id from the validated <c>sub</c> claim (one integer id type across services).</summary>
    public static int UserId(this ClaimsPrincipal principal) =>
        int.Parse(principal.FindFirstValue("sub") ?? throw new InvalidOperationException("No sub claim"), CultureInfo.InvariantCulture);

    /// <summary>The login session (<c>sid</c>) the access token belongs to.</summary>
    public static string SessionId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue("sid") ?? throw new InvalidOperationException("No sid claim");

    /// <summary>An operator token's operator id (its <c>sub</c>).</summary>
    public static int OperatorId(this ClaimsPrincipal principal) => principal.UserId();

    /// <summary>An operator token's username.</summary>
    public static string OperatorName(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(OperatorAuthentication.NameClaim) ?? throw new InvalidOperationException("No name claim");

    /// <summary>An operator token's roles.</summary>
    public static IReadOnlyList<string> OperatorRoleNames(this ClaimsPrincipal principal) =>
        principal.FindAll(OperatorAuthentication.RolesClaim).Select(c => c.Value).ToList();
}
