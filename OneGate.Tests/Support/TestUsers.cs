using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OneGate.Tests.Support;

/// <summary>A registered user and, after login, their tokens.</summary>
public sealed record TestUser(int Id, string Username, string Email, string Phone, string Password)
{
    public string? AccessToken { get; init; }

    public string? RefreshToken { get; init; }

    public HttpRequestMessage Authorized(HttpMethod method, string path, object? body = null) => BearerRequest.Of(AccessToken, method, path, body);
}

/// <summary>Registers and logs in users through the public Auth API.</summary>
public static class TestUsers
{
    public const string Password = "correct horse battery";

    public static (string Username, string Email, string Phone) Fresh()
    {
        var id = Guid.NewGuid().ToString("N");
        var digits = string.Concat(id.Select(c => (char)('0' + (c % 10))))[..8];
        return ($"u_{id[..12]}", $"{id[..12]}@example.com", $"0812{digits}");
    }

    public static async Task<TestUser> RegisterAsync(HttpClient auth)
    {
        var (username, email, phone) = Fresh();
        using var response = await auth.PostAsJsonAsync("/api/auth/register", new { username, email, phone, password = Password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"register: {(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new TestUser(json.GetProperty("id").GetInt32(), username, email, json.GetProperty("phone").GetString()!, Password);
    }

    public static async Task<TestUser> LoginAsync(HttpClient auth, TestUser user, string? identifier = null)
    {
        using var response = await auth.PostAsJsonAsync("/api/auth/login", new { username = identifier ?? user.Username, password = user.Password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login: {(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return user with { AccessToken = json.GetProperty("accessToken").GetString(), RefreshToken = json.GetProperty("refreshToken").GetString() };
    }

    public static async Task<TestUser> RegisterAndLoginAsync(HttpClient auth) => await LoginAsync(auth, await RegisterAsync(auth));
}
