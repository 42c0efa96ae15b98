using System.Net;
using System.Net.Http.Headers;
using OneGate.Backoffice.Session;

namespace OneGate.Backoffice.Api;

/// <summary>
/// Sends the logged-in operator's token (kept in the encrypted auth cookie, never in the browser's reach) as the bearer
/// of every call to a service. A 401 to a call that carried it means the session ended: the console's error handling
/// then ends the cookie too and sends the operator to the login page.
/// </summary>
public sealed class OperatorTokenHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = accessor.HttpContext?.User.FindFirst(OperatorClaims.AccessToken)?.Value;
        if (token is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new OperatorSessionEndedException();
        }

        return response;
    }
}
