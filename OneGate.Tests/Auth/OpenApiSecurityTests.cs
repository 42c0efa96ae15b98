using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// Each service's OpenAPI document declares the bearer scheme and requires it on exactly the operations that
/// answer 401 without a token, so a generated client sends the access token where it is needed.
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class OpenApiSecurityTests(OneGateAppFixture fixture)
{
    [Theory]
    [InlineData("auth", "/api/auth/me", "get", true)]
    [InlineData("auth", "/api/auth/logout", "post", true)]
    [InlineData("auth", "/api/auth/login", "post", false)]
    [InlineData("auth", "/api/auth/register", "post", false)]
    [InlineData("auth", "/api/auth/refresh", "post", false)]
    [InlineData("payment", "/api/payments/transfer", "post", true)]
    [InlineData("payment", "/api/payments/balance", "get", true)]
    [InlineData("transaction", "/api/transactions", "get", true)]
    [InlineData("transaction", "/api/external/transactions", "get", false)] // the regulator API key instead
    public async Task Bearer_is_required_exactly_where_the_service_requires_a_token(string service, string path, string method, bool bearer)
    {
        using var client = fixture.CreateClient(service);
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        var operation = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);
        var schemes = operation.TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList()
            : [];
        Assert.Equal(bearer, schemes.Contains("Bearer"));

        // The document's claim matches the service: without a token a Bearer operation is 401, the others are not.
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), new Uri(path, UriKind.Relative));
        if (method == "post")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        if (bearer)
        {
            await ProblemAssert.IsProblem(response, System.Net.HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        else if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            // Refused for its own reason (bad refresh token, missing API key), never for a missing bearer token.
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.NotEqual("UNAUTHORIZED", problem.RootElement.GetProperty("code").GetString());
        }
    }
}
