using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Caching.Memory;

namespace OneGate.Payment.Transfers;

/// <summary>Finds a transfer recipient in the Auth service (which owns users), on behalf of the caller.</summary>
public sealed class UserDirectory(HttpClient http, IMemoryCache cache)
{
    // Usernames and phone numbers do not change hands within a minute; a short cache spares Auth a call per transfer.
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    public sealed record Recipient(int Id, string Username);

    public async Task<Recipient?> FindAsync(string? username, string? phone, string callerAuthorization, CancellationToken ct)
    {
        var cacheKey = username is not null ? "recipient:u:" + username.ToLowerInvariant() : "recipient:p:" + phone;
        if (cache.TryGetValue(cacheKey, out Recipient? cached))
        {
            return cached;
        }

        var found = await LookUpAsync(username, phone, callerAuthorization, ct);
        if (found is not null)
        {
            cache.Set(cacheKey, found, CacheFor);
        }

        return found;
    }

    private async Task<Recipient?> LookUpAsync(string? username, string? phone, string callerAuthorization, CancellationToken ct)
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
