using System.Net;
using System.Net.Http.Headers;
using OneGate.Backoffice.Session;

namespace OneGate.Backoffice.Api;

/// <summary>
/// Sends the logged-in operator's token (kept in the encrypted auth cookie, never in the browser's reach) as the bearer
/// of every call to a service. A 401 to a call that carried it means the session ended: the console's error handling
/// then ends the cookie too and sends the operator to the login page. Every call also names the operator's address in
/// <c>X-Real-IP</c> (the header Kong sets): the services believe it from the console's network as they do from Kong's,
/// so audit rows and Auth's login throttle see each operator, not the console.
/// </summary>
public sealed class OperatorTokenHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    public const string ClientAddressHeader = "X-Real-IP";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = accessor.HttpContext;
        // Always set, never passed on: a browser's own X-Real-IP never reaches the console's request to a service.
        request.Headers.Remove(ClientAddressHeader);
        if (context?.Connection.RemoteIpAddress is { } address)
        {
            request.Headers.TryAddWithoutValidation(ClientAddressHeader, (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());
        }

        var token = context?.User.FindFirst(OperatorClaims.AccessToken)?.Value;
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
