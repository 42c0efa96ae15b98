using System.Net;
using System.Net.Http.Json;

namespace OneGate.Payment.Transfers;

/// <summary>Finds a transfer recipient in the Auth service (which owns users), on behalf of the caller.</summary>
public sealed class UserDirectory(HttpClient http)
{
    public sealed record Recipient(int Id, string Username);

    public async Task<Recipient?> FindAsync(string? username, string? phone, string callerAuthorization, CancellationToken ct)
    {
        var query = username is not null ? $"username={Uri.EscapeDataString(username)}" : $"phone={Uri.EscapeDataString(phone ?? "")}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/internal/users/resolve?{query}", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", callerAuthorization);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<Recipient>(ct);
    }
}
