using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneGate.Tests.Audit;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

/// <summary>
/// The back office finds users by username, e-mail, phone or id (docs/backoffice.md, "Finding users"): masked contact
/// data for SUPPORT, whole for OPERATIONS and COMPLIANCE; ADMIN alone and user tokens are refused; every search audited.
/// </summary>
[Collection(OneGateAppSecondLaneCollection.Name)]
public sealed class AdminUserSearchTests(OneGateAppFixture fixture)
{
    [Fact]
    public async Task Support_finds_a_user_by_each_identifier_with_email_and_phone_masked_and_the_search_is_audited()
    {
        using var auth = fixture.CreateClient("auth");
        var user = await TestUsers.RegisterAsync(auth);
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");

        foreach (var query in new[] { $"username={user.Username.ToUpperInvariant()}", $"email={Uri.EscapeDataString(user.Email)}",
                     $"phone={Uri.EscapeDataString(user.Phone)}", $"userId={user.Id}" })
        {
            var found = Assert.Single(await SearchAsync(auth, support, query));
            Assert.Equal((user.Id, user.Username, true), (found.GetProperty("id").GetInt32(), found.GetProperty("username").GetString(), found.GetProperty("masked").GetBoolean()));
            Assert.Equal($"{user.Email[0]}***@example.com", found.GetProperty("email").GetString());
            Assert.Equal(user.Phone[^4..], found.GetProperty("phone").GetString()![^4..]);
            Assert.DoesNotContain(user.Phone[1..^4], found.GetProperty("phone").GetString(), StringComparison.Ordinal);
        }

        var audited = await AuditRow.ReadAsync(fixture, "action = 'operator.users.search' AND actor_id = $1",
            support.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(4, audited.Count);
        Assert.All(audited, a => Assert.Equal(("SUPPORT", "user", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (a.Fields[5], a.TargetType, a.TargetId)));
        Assert.All(audited, a => Assert.DoesNotContain(user.Email, string.Concat(a.Fields), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OPERATIONS")]
    [InlineData("COMPLIANCE")]
    public async Task Operations_and_compliance_see_email_and_phone_whole(string role)
    {
        using var auth = fixture.CreateClient("auth");
        var user = await TestUsers.RegisterAsync(auth);
        var op = await Operators.CreateAndLoginAsync(fixture, role);

        var found = Assert.Single(await SearchAsync(auth, op, $"userId={user.Id}"));

        Assert.Equal((user.Email, user.Phone, false), (found.GetProperty("email").GetString(), found.GetProperty("phone").GetString(), found.GetProperty("masked").GetBoolean()));
    }

    [Fact]
    public async Task An_admin_without_a_reading_role_and_a_user_token_are_refused()
    {
        using var auth = fixture.CreateClient("auth");
        var admin = await Operators.AdminAsync(fixture);
        var user = await TestUsers.RegisterAndLoginAsync(auth);

        using var asAdmin = await auth.SendAsync(admin.Authorized(HttpMethod.Get, $"/api/admin/users?userId={user.Id}"));
        using var asUser = await auth.SendAsync(user.Authorized(HttpMethod.Get, $"/api/admin/users?userId={user.Id}"));

        await ProblemAssert.IsProblem(asAdmin, HttpStatusCode.Forbidden, "FORBIDDEN");
        await ProblemAssert.IsProblem(asUser, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData("")]
    [InlineData("username=a&email=b%40example.com")]
    [InlineData("phone=hello")]
    public async Task A_search_without_exactly_one_valid_identifier_is_400(string query)
    {
        using var auth = fixture.CreateClient("auth");
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");

        using var response = await auth.SendAsync(support.Authorized(HttpMethod.Get, $"/api/admin/users?{query}"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    private static async Task<List<JsonElement>> SearchAsync(HttpClient auth, TestOperator op, string query)
    {
        using var response = await auth.SendAsync(op.Authorized(HttpMethod.Get, $"/api/admin/users?{query}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
    }
}
