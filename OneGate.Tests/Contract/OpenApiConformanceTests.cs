using System.Net;
using System.Net.Http.Json;
using System.Text;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;
using OneGate.Tests.Support.Conformance;

namespace OneGate.Tests.Contract;

/// <summary>
/// Every operation of every service's published OpenAPI document answers as the document says: each documented
/// operation is driven through its success and its main error answers, and every exchange is checked by the
/// fixture's <see cref="ContractValidatingHandler"/> (status documented, media type documented, body valid against
/// the operation's schema; request bodies the service accepted valid against the request schema).
/// </summary>
[Collection(OneGateAppCollection.Name)]
public sealed class OpenApiConformanceTests(OneGateAppFixture fixture)
{
    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly HttpClient payments = fixture.CreateClient("payment");
    private readonly HttpClient transactions = fixture.CreateClient("transaction");

    [Fact]
    public async Task Every_operation_answers_as_its_published_document_says()
    {
        var violations = fixture.Conformance.Violations;
        var mark = violations.Count;

        var (owner, other) = await AuthAnswersAsync();
        var paymentId = await PaymentAnswersAsync(owner, other);
        await TransactionAnswersAsync(owner, paymentId);
        await RegulatorAnswersAsync();
        await ProviderCallbackAnswersAsync();
        await PaymentAdminAnswersAsync();
        await OperatorAdminAnswersAsync();
        await SearchAndAuditAnswersAsync(owner);
        await TransactionAdminAnswersAsync();

        var found = violations.Since(mark);
        Assert.True(found.Count == 0, $"{found.Count} exchanges contradict the published documents:\n{ContractViolations.Describe(found)}");
        var missed = fixture.Conformance.Documents.Values
            .SelectMany(d => d.Operations.Select(o => $"{d.Service} {o.Name}"))
            .Except(violations.OperationsSeen())
            .ToList();
        Assert.True(missed.Count == 0, "Operations this test never reached: " + string.Join(", ", missed));
    }

    private async Task<(TestUser Owner, TestUser Other)> AuthAnswersAsync()
    {
        var owner = await TestUsers.RegisterAndLoginAsync(auth);
        var other = await TestUsers.RegisterAndLoginAsync(auth);
        await ExpectAsync(auth, Json(HttpMethod.Post, "/api/auth/register", new { username = "x" }), HttpStatusCode.BadRequest);
        await ExpectAsync(auth, Json(HttpMethod.Post, "/api/auth/register",
            new { username = owner.Username, email = "someone.else@example.com", phone = "081299990000", password = TestUsers.Password }), HttpStatusCode.Conflict);
        await ExpectAsync(auth, Raw(HttpMethod.Post, "/api/auth/register", "{not json"), HttpStatusCode.BadRequest);
        await ExpectAsync(auth, Json(HttpMethod.Post, "/api/auth/login", new { username = "" }), HttpStatusCode.BadRequest);
        await ExpectAsync(auth, Json(HttpMethod.Post, "/api/auth/login", new { username = owner.Username, password = "wrong password" }), HttpStatusCode.Unauthorized);
        await ThrottledLoginAsync();

        var refreshed = await ExpectAsync(auth, Json(HttpMethod.Post, "/api/auth/refresh", new { refreshToken = owner.RefreshToken }), HttpStatusCode.OK);
        var tokens = System.Text.Json.JsonDocument.Parse(refreshed).RootElement;
        owner = owner with { AccessToken = tokens.GetProperty("accessToken").GetString(), RefreshToken = tokens.GetProperty("refreshToken").GetString() };
        await ExpectAsync(auth, Json(HttpMethod.Post, "/api/auth/refresh", new { refreshToken = "not-a-token" }), HttpStatusCode.Unauthorized);
        await ExpectAsync(auth, Json(HttpMethod.Post, "/api/auth/refresh", new { }), HttpStatusCode.BadRequest);

        await ExpectAsync(auth, owner.Authorized(HttpMethod.Get, "/api/auth/me"), HttpStatusCode.OK);
        await ExpectAsync(auth, new HttpRequestMessage(HttpMethod.Get, new Uri("/api/auth/me", UriKind.Relative)), HttpStatusCode.Unauthorized);
        await ExpectAsync(auth, new HttpRequestMessage(HttpMethod.Get, new Uri("/.well-known/jwks.json", UriKind.Relative)), HttpStatusCode.OK);

        // Logout with no body (the refresh token is optional), and with one.
        var leaving = await TestUsers.RegisterAndLoginAsync(auth);
        await ExpectAsync(auth, leaving.Authorized(HttpMethod.Post, "/api/auth/logout"), HttpStatusCode.NoContent);
        var leavingToo = await TestUsers.RegisterAndLoginAsync(auth);
        await ExpectAsync(auth, leavingToo.Authorized(HttpMethod.Post, "/api/auth/logout", new { refreshToken = leavingToo.RefreshToken }), HttpStatusCode.NoContent);
        await ExpectAsync(auth, new HttpRequestMessage(HttpMethod.Post, new Uri("/api/auth/logout", UriKind.Relative)), HttpStatusCode.Unauthorized);
        return (owner, other);
    }

    /// <summary>Five failures for one identifier, then 429 with Retry-After.</summary>
    private async Task ThrottledLoginAsync()
    {
        var client = DirectClients.Create(fixture, "auth", DirectClients.NewAddress());
        var identifier = $"nobody_{Guid.NewGuid():N}"[..20];
        for (var i = 0; i < 5; i++)
        {
            await ExpectAsync(client, Json(HttpMethod.Post, "/api/auth/login", new { username = identifier, password = "wrong password" }), HttpStatusCode.Unauthorized);
        }

        await ExpectAsync(client, Json(HttpMethod.Post, "/api/auth/login", new { username = identifier, password = "wrong password" }), HttpStatusCode.TooManyRequests);
    }

    private async Task<string> PaymentAnswersAsync(TestUser owner, TestUser other)
    {
        await ExpectAsync(payments, owner.Authorized(HttpMethod.Get, "/api/payments/balance"), HttpStatusCode.OK);
        await ExpectAsync(payments, new HttpRequestMessage(HttpMethod.Get, new Uri("/api/payments/balance", UriKind.Relative)), HttpStatusCode.Unauthorized);

        // Optional fields left out, and given.
        await ExpectAsync(payments, Keyed(owner, "/api/payments/topup", new { amount = 500_000m, paymentMethod = "GOPAY" }), HttpStatusCode.Created);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/topup", new { amount = 100_000m, paymentMethod = "SHOPEE_PAY", description = "saldo" }), HttpStatusCode.Created);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/topup", new { amount = 15_000m, paymentMethod = "GOPAY" }), HttpStatusCode.Accepted);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/topup", new { amount = 5m, paymentMethod = "OVO" }), HttpStatusCode.BadRequest);
        await ExpectAsync(payments, owner.Authorized(HttpMethod.Post, "/api/payments/topup", new { amount = 10_000m, paymentMethod = "GOPAY" }), HttpStatusCode.BadRequest);

        var paid = await ExpectAsync(payments, Keyed(owner, "/api/payments/pay", new { amount = 20_000m, merchant = "Warung Sate Pak Budi" }), HttpStatusCode.Created);
        var paymentId = System.Text.Json.JsonDocument.Parse(paid).RootElement.GetProperty("transactionId").GetString()!;
        await ExpectAsync(payments, Keyed(owner, "/api/payments/pay",
            new { amount = 1_000m, merchant = "Toko Kopi", description = "kopi susu", externalReference = "ORDER-1" }), HttpStatusCode.Created);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/pay", new { amount = 1.001m, merchant = "Toko Kopi" }), HttpStatusCode.BadRequest);
        await ExpectAsync(payments, Keyed(other, "/api/payments/pay", new { amount = 1_000m, merchant = "Toko Kopi" }), HttpStatusCode.UnprocessableEntity);

        await ExpectAsync(payments, Keyed(owner, "/api/payments/transfer", new { toUsername = other.Username, amount = 1_000m }), HttpStatusCode.Created);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/transfer", new { toPhone = other.Phone, amount = 1_000m, description = "arisan" }), HttpStatusCode.Created);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/transfer", new { toUsername = "nobody_" + Guid.NewGuid().ToString("N")[..8], amount = 1_000m }), HttpStatusCode.NotFound);
        await ExpectAsync(payments, Keyed(other, "/api/payments/transfer", new { toUsername = owner.Username, amount = 999_999m }), HttpStatusCode.UnprocessableEntity);

        await ExpectAsync(payments, Keyed(owner, "/api/payments/refund", new { transactionId = paymentId, amount = 5_000m, reason = "one item missing" }), HttpStatusCode.Created);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/refund", new { transactionId = paymentId }), HttpStatusCode.Created);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/refund", new { transactionId = "TXN-NOT-THERE" }), HttpStatusCode.NotFound);

        // The same key with another body.
        var key = Guid.NewGuid().ToString();
        await ExpectAsync(payments, Keyed(owner, "/api/payments/pay", new { amount = 1_000m, merchant = "Toko Kopi" }, key), HttpStatusCode.Created);
        await ExpectAsync(payments, Keyed(owner, "/api/payments/pay", new { amount = 2_000m, merchant = "Toko Kopi" }, key), HttpStatusCode.UnprocessableEntity);

        await ExpectAsync(payments, owner.Authorized(HttpMethod.Get, $"/api/payments/transactions/{paymentId}"), HttpStatusCode.OK);
        await ExpectAsync(payments, owner.Authorized(HttpMethod.Get, "/api/payments/transactions/TXN-NOT-THERE"), HttpStatusCode.NotFound);
        return paymentId;
    }

    private async Task TransactionAnswersAsync(TestUser owner, string paymentId)
    {
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await transactions.SendAsync(owner.Authorized(HttpMethod.Get, $"/api/transactions/{paymentId}"));
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), () => $"{paymentId} reaches the history");
        await ExpectAsync(transactions, owner.Authorized(HttpMethod.Get, "/api/transactions/TXN-NOT-THERE"), HttpStatusCode.NotFound);

        var first = await ExpectAsync(transactions, owner.Authorized(HttpMethod.Get, "/api/transactions?limit=2"), HttpStatusCode.OK);
        var cursor = System.Text.Json.JsonDocument.Parse(first).RootElement.GetProperty("nextCursor").GetString();
        await ExpectAsync(transactions, owner.Authorized(HttpMethod.Get, $"/api/transactions?limit=2&cursor={Uri.EscapeDataString(cursor!)}"), HttpStatusCode.OK);
        await ExpectAsync(transactions, owner.Authorized(HttpMethod.Get, "/api/transactions?type=TOPUP&status=SUCCESS"), HttpStatusCode.OK);
        await ExpectAsync(transactions, owner.Authorized(HttpMethod.Get, "/api/transactions?type=NOPE"), HttpStatusCode.BadRequest);
        await ExpectAsync(transactions, new HttpRequestMessage(HttpMethod.Get, new Uri("/api/transactions", UriKind.Relative)), HttpStatusCode.Unauthorized);

        await ExpectAsync(transactions, owner.Authorized(HttpMethod.Get, "/api/transactions/summary"), HttpStatusCode.OK);
    }

    private async Task RegulatorAnswersAsync()
    {
        var key = await RegulatorKeys.CreateAsync(fixture);
        var reportsOnly = await RegulatorKeys.CreateAsync(fixture, permissions: "READ_REPORTS");
        var regulator = new RegulatorClient(transactions);
        await ExpectAsync(await regulator.GetAsync(RegulatorClient.TransactionsPath + "?limit=2", key.Secret), HttpStatusCode.OK);
        await ExpectAsync(await regulator.GetAsync(RegulatorClient.TransactionsPath + "?limit=0", key.Secret), HttpStatusCode.BadRequest);
        await ExpectAsync(await regulator.GetAsync(RegulatorClient.TransactionsPath, null), HttpStatusCode.Unauthorized);
        await ExpectAsync(await regulator.GetAsync(RegulatorClient.TransactionsPath, reportsOnly.Secret), HttpStatusCode.Forbidden);
        await ExpectAsync(await regulator.GetAsync(RegulatorClient.ReportPath, key.Secret), HttpStatusCode.OK);
        await ExpectAsync(await regulator.GetAsync("/api/external/reports/daily?date=yesterday", key.Secret), HttpStatusCode.BadRequest);
    }

    private async Task ProviderCallbackAnswersAsync()
    {
        foreach (var provider in new[] { "gopay", "shopeepay" })
        {
            // Unsigned: refused in SNAP's own answer format.
            await ExpectAsync(payments, Raw(HttpMethod.Post, $"/api/payments/callbacks/{provider}", "{}"), HttpStatusCode.Unauthorized);
        }
    }

    /// <summary>Payment's back office: reads as SUPPORT, status and stranded-money actions as OPERATIONS, and their refusals.</summary>
    private async Task PaymentAdminAnswersAsync()
    {
        var user = await new PaymentApi(payments).FundedUserAsync(auth, 10_000m);
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var view = await ExpectAsync(payments, support.Authorized(HttpMethod.Get, $"/api/admin/users/{user.Id}/account"), HttpStatusCode.OK);
        var account = System.Text.Json.JsonDocument.Parse(view).RootElement.GetProperty("accountId").GetString();
        await ExpectAsync(payments, support.Authorized(HttpMethod.Get, $"/api/admin/accounts/{account}"), HttpStatusCode.OK);
        await ExpectAsync(payments, support.Authorized(HttpMethod.Get, $"/api/admin/accounts/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ExpectAsync(payments, support.Authorized(HttpMethod.Get, "/api/admin/users/2147483647/account"), HttpStatusCode.NotFound);
        await ExpectAsync(payments, user.Authorized(HttpMethod.Get, $"/api/admin/accounts/{account}"), HttpStatusCode.Unauthorized);
        await ExpectAsync(payments, support.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend", new { reason = "not mine" }), HttpStatusCode.Forbidden);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend", new { reason = "" }), HttpStatusCode.BadRequest);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend", new { reason = "conformance" }), HttpStatusCode.OK);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/suspend", new { reason = "again" }), HttpStatusCode.Conflict);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/reactivate", new { reason = "conformance" }), HttpStatusCode.OK);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{account}/close", new { reason = "holds money" }), HttpStatusCode.Conflict);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, $"/api/admin/accounts/{Guid.NewGuid()}/close", new { reason = "unknown" }), HttpStatusCode.NotFound);
        await ExpectAsync(payments, support.Authorized(HttpMethod.Get, "/api/admin/stranded-money?failing=true"), HttpStatusCode.OK);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, "/api/admin/stranded-money/TRX-none/retry", new { reason = "r" }), HttpStatusCode.NotFound);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, "/api/admin/stranded-money/TRX-none/resolve", new { note = "" }), HttpStatusCode.BadRequest);
        await ExpectAsync(payments, operations.Authorized(HttpMethod.Post, "/api/admin/stranded-money/TRX-none/resolve", new { note = "n" }), HttpStatusCode.NotFound);
        // Auth's operator session operations, with the same throwaway operators.
        await ExpectAsync(auth, support.Authorized(HttpMethod.Get, "/api/admin/auth/session"), HttpStatusCode.OK);
        await ExpectAsync(auth, support.Authorized(HttpMethod.Post, "/api/admin/auth/logout"), HttpStatusCode.NoContent);
        await ExpectAsync(auth, support.Authorized(HttpMethod.Get, "/api/admin/auth/session"), HttpStatusCode.Unauthorized);
    }

    /// <summary>Auth's management of operators as the bootstrapped ADMIN (creation and login are Operators' own calls), and its refusals.</summary>
    private async Task SearchAndAuditAnswersAsync(TestUser owner)
    {
        var staff = await Operators.CreateAndLoginAsync(fixture, "SUPPORT", "COMPLIANCE");
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        await ExpectAsync(auth, support.Authorized(HttpMethod.Get, $"/api/admin/users?username={owner.Username}"), HttpStatusCode.OK);
        await ExpectAsync(auth, support.Authorized(HttpMethod.Get, "/api/admin/users"), HttpStatusCode.BadRequest);
        await ExpectAsync(auth, owner.Authorized(HttpMethod.Get, "/api/admin/users?userId=1"), HttpStatusCode.Unauthorized);
        // Auth's trail and Payment's answer alike (one implementation, OneGate.ServiceDefaults/Audit).
        foreach (var service in new[] { auth, payments })
        {
            await ExpectAsync(service, staff.Authorized(HttpMethod.Get, "/api/admin/audit?limit=2"), HttpStatusCode.OK);
            await ExpectAsync(service, staff.Authorized(HttpMethod.Get, "/api/admin/audit?limit=0"), HttpStatusCode.BadRequest);
            await ExpectAsync(service, support.Authorized(HttpMethod.Get, "/api/admin/audit"), HttpStatusCode.Forbidden);
            await ExpectAsync(service, staff.Authorized(HttpMethod.Get, "/api/admin/audit/export?action=user.register"), HttpStatusCode.OK);
            await ExpectAsync(service, staff.Authorized(HttpMethod.Get, "/api/admin/audit/export?actorType=ROBOT"), HttpStatusCode.BadRequest);
            await ExpectAsync(service, staff.Authorized(HttpMethod.Get, "/api/admin/audit/verify"), HttpStatusCode.OK);
        }
    }

    private async Task OperatorAdminAnswersAsync()
    {
        var admin = await Operators.AdminAsync(fixture);
        var target = await Operators.CreateAsync(fixture, "SUPPORT");
        var support = await Operators.CreateAndLoginAsync(fixture, "SUPPORT");
        var at = $"/api/admin/operators/{target.Id}";
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Get, "/api/admin/operators"), HttpStatusCode.OK);
        await ExpectAsync(auth, support.Authorized(HttpMethod.Get, "/api/admin/operators"), HttpStatusCode.Forbidden);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Get, at), HttpStatusCode.OK);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Get, "/api/admin/operators/2147483647"), HttpStatusCode.NotFound);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Post, "/api/admin/operators", new { username = target.Username, password = Operators.Password, roles = new[] { "SUPPORT" } }),
            HttpStatusCode.Conflict);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Post, "/api/admin/operators", new { username = "x", password = "short", roles = Array.Empty<string>() }),
            HttpStatusCode.BadRequest);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Put, at + "/roles", new { roles = new[] { "COMPLIANCE" }, reason = "conformance" }), HttpStatusCode.OK);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Post, at + "/totp-reset", new { reason = "conformance" }), HttpStatusCode.OK);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Post, at + "/deactivate", new { reason = "" }), HttpStatusCode.BadRequest);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Post, at + "/deactivate", new { reason = "conformance" }), HttpStatusCode.OK);
        await ExpectAsync(auth, admin.Authorized(HttpMethod.Post, at + "/deactivate", new { reason = "again" }), HttpStatusCode.Conflict);
    }

    /// <summary>Transaction's back office: regulator services and keys, access logs, dead letters and its trail, and their refusals.</summary>
    private async Task TransactionAdminAnswersAsync()
    {
        var compliance = await Operators.CreateAndLoginAsync(fixture, "COMPLIANCE");
        var operations = await Operators.CreateAndLoginAsync(fixture, "OPERATIONS");
        var code = "CONFORMANCE_" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var created = await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, "/api/admin/regulators",
            new { code, name = code, permissions = new[] { "READ_REPORTS" }, rateLimits = new { perMinute = 10 } }), HttpStatusCode.Created);
        var service = System.Text.Json.JsonDocument.Parse(created).RootElement.GetProperty("id").GetInt32();
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, "/api/admin/regulators", new { code, name = code, permissions = new[] { "READ_REPORTS" }, rateLimits = new { perMinute = 10 } }),
            HttpStatusCode.Conflict);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, "/api/admin/regulators", new { code = "x" }), HttpStatusCode.BadRequest);
        await ExpectAsync(transactions, operations.Authorized(HttpMethod.Get, "/api/admin/regulators"), HttpStatusCode.Forbidden);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, "/api/admin/regulators"), HttpStatusCode.OK);
        var issued = await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, $"/api/admin/regulators/{service}/keys", new { name = "conformance" }), HttpStatusCode.Created);
        var key = System.Text.Json.JsonDocument.Parse(issued).RootElement.GetProperty("key").GetProperty("id").GetGuid();
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, "/api/admin/regulators/2147483647/keys", new { name = "none" }), HttpStatusCode.NotFound);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, $"/api/admin/regulators/{service}"), HttpStatusCode.OK);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, "/api/admin/regulators/2147483647"), HttpStatusCode.NotFound);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, $"/api/admin/keys/{key}"), HttpStatusCode.OK);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, $"/api/admin/keys/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Put, $"/api/admin/keys/{key}/limits", new { rateLimits = new { perHour = 100 } }), HttpStatusCode.OK);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Put, $"/api/admin/keys/{key}/limits", new { rateLimits = new { perHour = 0 } }), HttpStatusCode.BadRequest);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, $"/api/admin/keys/{key}/rotate", new { reason = "conformance" }), HttpStatusCode.Created);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, $"/api/admin/keys/{key}/rotate"), HttpStatusCode.Conflict);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, $"/api/admin/keys/{key}/revoke", new { reason = "" }), HttpStatusCode.BadRequest);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, $"/api/admin/keys/{key}/revoke", new { reason = "conformance" }), HttpStatusCode.OK);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, $"/api/admin/keys/{Guid.NewGuid()}/revoke", new { reason = "none" }), HttpStatusCode.NotFound);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, $"/api/admin/access-logs?serviceId={service}&limit=5"), HttpStatusCode.OK);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, "/api/admin/access-logs?keyId=nope"), HttpStatusCode.BadRequest);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, $"/api/admin/access-logs/export?keyId={key}"), HttpStatusCode.OK);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, "/api/admin/access-logs/export?from=yesterday"), HttpStatusCode.BadRequest);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, "/api/admin/audit?limit=2"), HttpStatusCode.OK);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, "/api/admin/audit/export?targetType=api_key"), HttpStatusCode.OK);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, "/api/admin/audit/verify"), HttpStatusCode.OK);
        await ExpectAsync(transactions, operations.Authorized(HttpMethod.Get, "/api/admin/dead-letters?limit=5"), HttpStatusCode.OK);
        await ExpectAsync(transactions, operations.Authorized(HttpMethod.Get, "/api/admin/dead-letters?limit=0"), HttpStatusCode.BadRequest);
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Get, "/api/admin/dead-letters"), HttpStatusCode.Forbidden);
        await ExpectAsync(transactions, operations.Authorized(HttpMethod.Post, "/api/admin/dead-letters/9223372036854775807/replay", new { reason = "none" }), HttpStatusCode.NotFound);
        // Replaying all: the letters other tests leave are theirs (alone collection only), so only a refusal here.
        await ExpectAsync(transactions, compliance.Authorized(HttpMethod.Post, "/api/admin/dead-letters/replay"), HttpStatusCode.Forbidden);
        await ExpectAsync(transactions, operations.Authorized(HttpMethod.Post, "/api/admin/dead-letters/replay", new { reason = "\u0000" }), HttpStatusCode.BadRequest);
    }

    private static HttpRequestMessage Keyed(TestUser user, string path, object body, string? key = null)
    {
        var request = user.Authorized(HttpMethod.Post, path, body);
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return request;
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) =>
        new(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };

    private static HttpRequestMessage Raw(HttpMethod method, string path, string body) =>
        new(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static async Task<string> ExpectAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode status)
    {
        using (request)
        {
            return await ExpectAsync(await client.SendAsync(request), status);
        }
    }

    private static async Task<string> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {body}");
            return body;
        }
    }
}
