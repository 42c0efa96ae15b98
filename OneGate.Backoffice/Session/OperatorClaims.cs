using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using OneGate.Backoffice.Api;

namespace OneGate.Backoffice.Session;

/// <summary>
/// The console's session: the operator's name, roles and Auth's access token, in the encrypted auth cookie (Data
/// Protection), never readable by the browser's scripts. The cookie ends when the token does (8 h); the idle timeout
/// and revocation are Auth's (a refused token ends the cookie too).
/// </summary>
public static class OperatorClaims
{
    public const string AccessToken = "onegate:access_token";

    public static Task SignInAsync(HttpContext context, OperatorLogin login)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(login);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, login.Operator.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, login.Operator.Username),
            new(AccessToken, login.AccessToken),
        };
        claims.AddRange(login.Operator.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties
        {
            ExpiresUtc = DateTimeOffset.UtcNow.AddSeconds(login.ExpiresIn),
            IsPersistent = false,
            AllowRefresh = false,
        });
    }
}
