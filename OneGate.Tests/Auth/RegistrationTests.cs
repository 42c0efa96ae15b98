using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Auth;

[Collection(OneGateAppCollection.Name)]
public sealed class RegistrationTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");

    [Fact]
    public async Task Register_creates_the_user_with_normalised_username_and_phone_and_no_secret_in_the_answer()
    {
        var (username, email, phone) = TestUsers.Fresh();
        var local = "08" + phone[2..];

        using var response = await auth.PostAsJsonAsync("/api/auth/register",
            new { username = username.ToUpperInvariant(), email, phone = local.Insert(4, "-"), password = TestUsers.Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement;
        Assert.True(json.GetProperty("id").GetInt32() > 0);
        Assert.Equal(username, json.GetProperty("username").GetString());
        Assert.Equal(email, json.GetProperty("email").GetString());
        Assert.Equal("+62" + local[1..], json.GetProperty("phone").GetString());
        Assert.EndsWith("Z", json.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("argon", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Taken_username_email_and_phone_are_409_with_their_codes_ignoring_case()
    {
        var existing = await TestUsers.RegisterAsync(auth);
        var (username, email, phone) = TestUsers.Fresh();

        using var sameUsername = await auth.PostAsJsonAsync("/api/auth/register", new { username = existing.Username.ToUpperInvariant(), email, phone, password = TestUsers.Password });
        using var sameEmail = await auth.PostAsJsonAsync("/api/auth/register", new { username, email = existing.Email.ToUpperInvariant(), phone, password = TestUsers.Password });
        using var samePhone = await auth.PostAsJsonAsync("/api/auth/register", new { username, email, phone = existing.Phone, password = TestUsers.Password });

        await ProblemAssert.IsProblem(sameUsername, HttpStatusCode.Conflict, "USERNAME_TAKEN");
        await ProblemAssert.IsProblem(sameEmail, HttpStatusCode.Conflict, "EMAIL_TAKEN");
        await ProblemAssert.IsProblem(samePhone, HttpStatusCode.Conflict, "PHONE_TAKEN");
    }

    [Fact]
    public async Task Thirty_concurrent_registrations_from_one_client_create_ten_accounts_and_refuse_the_rest()
    {
        using var client = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            var (username, email, phone) = TestUsers.Fresh();
            using var response = await client.PostAsJsonAsync("/api/auth/register", new { username, email, phone, password = TestUsers.Password });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsProblem(response, HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
                var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(retryAfter, 1, 3600);
            }
            else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                Assert.NotNull(response.Headers.RetryAfter);
            }

            return response.StatusCode;
        }));

        // Argon2 admits the shared slots plus the line of 16 at once (at least 17), so ten pass the limit and the
        // others admitted get 429; those beyond the admissions are refused 503 before the limit is counted.
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created),
            s => Assert.Contains(s, new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable }));
    }

    public static TheoryData<string, string> InvalidFields() => new()
    {
        { """{"username":"ab","email":"a@example.com","phone":"081234567890","password":"password1"}""", "username" },
        { """{"username":"has space","email":"a@example.com","phone":"081234567890","password":"password1"}""", "username" },
        { """{"username":"ünïcode","email":"a@example.com","phone":"081234567890","password":"password1"}""", "username" },
        // No letter: such a name could be taken for a phone number at login and in transfers.
        { """{"username":"081234567899","email":"a@example.com","phone":"081234567890","password":"password1"}""", "username" },
        { """{"username":"123","email":"a@example.com","phone":"081234567890","password":"password1"}""", "username" },
        { """{"username":"_.1","email":"a@example.com","phone":"081234567890","password":"password1"}""", "username" },
        { $$"""{"username":"{{new string('a', 51)}}","email":"a@example.com","phone":"081234567890","password":"password1"}""", "username" },
        { """{"username":"valid_name","email":"not-an-email","phone":"081234567890","password":"password1"}""", "email" },
        { """{"username":"valid_name","email":"a@example.com","phone":"0212345678","password":"password1"}""", "phone" },
        { """{"username":"valid_name","email":"a@example.com","phone":"+14155550100","password":"password1"}""", "phone" },
        { """{"username":"valid_name","email":"a@example.com","phone":"081234567890","password":"short"}""", "password" },
        { $$"""{"username":"valid_name","email":"a@example.com","phone":"081234567890","password":"{{new string('p', 129)}}"}""", "password" },
        { """{"email":"a@example.com","phone":"081234567890","password":"password1"}""", "username" },
        { """{"username":"valid_name","email":"a@example.com","phone":"081234567890","password":null}""", "password" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Invalid_field_is_400_VALIDATION_FAILED_naming_the_field(string json, string field)
    {
        using var response = await auth.PostAsync(new Uri("/api/auth/register", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
    }

    [Fact]
    public async Task Unreadable_requests_are_4xx_problems()
    {
        using var malformed = await auth.PostAsync(new Uri("/api/auth/register", UriKind.Relative), new StringContent("{\"username\":", Encoding.UTF8, "application/json"));
        using var wrongType = await auth.PostAsync(new Uri("/api/auth/register", UriKind.Relative), new StringContent("""{"username":42}""", Encoding.UTF8, "application/json"));
        using var wrongContentType = await auth.PostAsync(new Uri("/api/auth/register", UriKind.Relative), new StringContent("username=a", Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var oversized = await auth.PostAsync(new Uri("/api/auth/register", UriKind.Relative),
            new StringContent($$"""{"username":"{{new string('a', 200_000)}}"}""", Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblem(malformed, HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        await ProblemAssert.IsProblem(wrongType, HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        await ProblemAssert.IsProblem(wrongContentType, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        await ProblemAssert.IsProblem(oversized, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_username_create_exactly_one_user()
    {
        var (username, _, _) = TestUsers.Fresh();
        var attempts = Enumerable.Range(0, 8).Select(async _ =>
        {
            var (_, email, phone) = TestUsers.Fresh();
            using var response = await auth.PostAsJsonAsync("/api/auth/register", new { username, email, phone, password = TestUsers.Password });
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });

        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Contains("USERNAME_TAKEN", r.Body, StringComparison.Ordinal);
        });
    }
}
