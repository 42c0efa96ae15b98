using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OneGate.Tests.Regulators;
using OneGate.Tests.Support;

namespace OneGate.Tests.Hostile;

/// <summary>The sweep's back-office callers and targets: operators with and without each operation's role, accounts, operators.</summary>
public sealed partial class BadInputSweepTests
{
    private const string Staff = "SUPPORT,OPERATIONS,COMPLIANCE";

    /// <summary>
    /// The roles that each operator operation accepts (its policy, OneGate.ServiceDefaults.Auth.OperatorPolicies); empty:
    /// any operator. A new operator operation fails the sweep until it is listed here (and its path parameters and
    /// body fields have base values).
    /// </summary>
    private static readonly Dictionary<string, string[]> OperatorRolesNeeded = new()
    {
        ["POST /api/admin/auth/logout"] = [],
        ["GET /api/admin/auth/session"] = [],
        ["POST /api/admin/operators"] = ["ADMIN"],
        ["GET /api/admin/operators"] = ["ADMIN"],
        ["GET /api/admin/operators/{operatorId}"] = ["ADMIN"],
        ["PUT /api/admin/operators/{operatorId}/roles"] = ["ADMIN"],
        ["POST /api/admin/operators/{operatorId}/totp-reset"] = ["ADMIN"],
        ["POST /api/admin/operators/{operatorId}/deactivate"] = ["ADMIN"],
        ["GET /api/admin/users"] = Staff.Split(','),
        ["GET /api/admin/audit"] = ["COMPLIANCE"],
        ["GET /api/admin/audit/export"] = ["COMPLIANCE"],
        ["GET /api/admin/audit/verify"] = ["COMPLIANCE"],
        ["GET /api/admin/accounts/{accountId}"] = Staff.Split(','),
        ["GET /api/admin/users/{userId}/account"] = Staff.Split(','),
        ["GET /api/admin/stranded-money"] = Staff.Split(','),
        ["POST /api/admin/accounts/{accountId}/suspend"] = ["OPERATIONS"],
        ["POST /api/admin/accounts/{accountId}/reactivate"] = ["OPERATIONS"],
        ["POST /api/admin/accounts/{accountId}/close"] = ["OPERATIONS"],
        ["POST /api/admin/stranded-money/{transactionId}/retry"] = ["OPERATIONS"],
        ["POST /api/admin/stranded-money/{transactionId}/resolve"] = ["OPERATIONS"],
        ["GET /api/admin/regulators"] = ["COMPLIANCE"],
        ["POST /api/admin/regulators"] = ["COMPLIANCE"],
        ["GET /api/admin/regulators/{serviceId}"] = ["COMPLIANCE"],
        ["POST /api/admin/regulators/{serviceId}/keys"] = ["COMPLIANCE"],
        ["GET /api/admin/keys/{keyId}"] = ["COMPLIANCE"],
        ["POST /api/admin/keys/{keyId}/rotate"] = ["COMPLIANCE"],
        ["POST /api/admin/keys/{keyId}/revoke"] = ["COMPLIANCE"],
        ["PUT /api/admin/keys/{keyId}/limits"] = ["COMPLIANCE"],
        ["GET /api/admin/access-logs"] = ["COMPLIANCE"],
        ["GET /api/admin/access-logs/export"] = ["COMPLIANCE"],
        ["GET /api/admin/dead-letters"] = ["OPERATIONS"],
        ["POST /api/admin/dead-letters/{deadLetterId}/replay"] = ["OPERATIONS"],
        ["POST /api/admin/dead-letters/replay"] = ["OPERATIONS"],
    };

    /// <summary>
    /// Operations whose base request is refused for one documented reason (the control expects exactly that answer);
    /// every other base request is accepted. A stranded refund needs a top-up whose refund keeps failing, which the
    /// sweep does not stage: its retry and resolve go to a payment's id, and each case must still be refused before that.
    /// </summary>
    private static readonly Dictionary<string, string> UnusableBases = new()
    {
        ["POST /api/auth/refresh"] = "401 INVALID_REFRESH_TOKEN",
        // Exactly one identifier is required and none is sent: each case adds one, so each identifier's check is swept.
        ["GET /api/admin/users"] = "400 VALIDATION_FAILED",
        ["POST /api/admin/stranded-money/{transactionId}/retry"] = "404 REFUND_NOT_FOUND",
        ["POST /api/admin/stranded-money/{transactionId}/resolve"] = "404 REFUND_NOT_FOUND",
        // A dead letter replayed by the control would come back (a poison) or vanish: the sweep replays one that does not exist.
        ["POST /api/admin/dead-letters/{deadLetterId}/replay"] = "404 DEAD_LETTER_NOT_FOUND",
    };

    /// <summary>Operators and targets of the back-office operations, all made before the first snapshot.</summary>
    private sealed record BackOffice(
        TestOperator LoginOperator, string ThrowawayToken, string EndedToken, IReadOnlyDictionary<string, string> Tokens,
        IReadOnlyDictionary<string, string> WithoutRole, IReadOnlyDictionary<string, string> PathValues, IReadOnlyDictionary<string, string> ControlPathValues);

    private async Task<BackOffice> BackOfficeAsync(IReadOnlyList<ApiOperation> operations)
    {
        var unlisted = operations.Where(o => o.Caller == Caller.Operator && !OperatorRolesNeeded.ContainsKey(o.Name)).Select(o => $"{o.Service} {o.Name}");
        Assert.True(!unlisted.Any(), "operator operations without their roles in OperatorRolesNeeded: " + string.Join(", ", unlisted));

        var admin = await Operators.AdminAsync(fixture);
        var made = await Task.WhenAll(new[] { Staff, "SUPPORT", "SUPPORT", "SUPPORT", "SUPPORT", "COMPLIANCE", "SUPPORT", "SUPPORT" }
            .Select(roles => Operators.CreateAsync(fixture, roles.Split(','))));
        var (staff, supportOnly, loginOperator, leaving) = (await Operators.LoginAsync(auth, made[0]), await Operators.LoginAsync(auth, made[1]), made[2], made[3]);

        // An operator session that has ended, and a throwaway one for the logout control.
        var ended = await Operators.LoginAsync(auth, leaving);
        using (var logout = await auth.SendAsync(ended.Authorized(HttpMethod.Post, "/api/admin/auth/logout")))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var throwaway = await Operators.LoginAsync(auth, leaving);
        var tokens = new Dictionary<string, string>();
        var withoutRole = new Dictionary<string, string>();
        foreach (var (name, roles) in OperatorRolesNeeded)
        {
            tokens[name] = roles.Contains("ADMIN") ? admin.AccessToken! : staff.AccessToken!;
            if (roles.Length > 0)
            {
                withoutRole[name] = roles.Contains("SUPPORT") ? admin.AccessToken! : supportOnly.AccessToken!;
            }
        }

        var accounts = await OpenAccountsAsync(staff, 5);
        await SuspendAsync(staff, accounts[1]);
        await SuspendAsync(staff, accounts[3]);
        var id = (int i) => made[i].Id.ToString(CultureInfo.InvariantCulture);
        // Regulator keys (the keys command's, of OJK): one for the cases, one for each key action's control.
        var keys = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RegulatorKeys.CreateAsync(fixture)));
        var ojk = await OjkServiceIdAsync();
        return new BackOffice(loginOperator, throwaway.AccessToken!, ended.AccessToken!, tokens, withoutRole,
            new Dictionary<string, string>
            {
                ["accountId"] = accounts[0],
                ["POST /api/admin/accounts/{accountId}/reactivate accountId"] = accounts[1],
                ["operatorId"] = id(4),
                ["serviceId"] = ojk,
                ["keyId"] = keys[0].Id.ToString(),
                ["deadLetterId"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
            },
            new Dictionary<string, string>
            {
                ["POST /api/admin/accounts/{accountId}/suspend accountId"] = accounts[2],
                ["POST /api/admin/accounts/{accountId}/reactivate accountId"] = accounts[3],
                ["POST /api/admin/accounts/{accountId}/close accountId"] = accounts[4],
                ["PUT /api/admin/operators/{operatorId}/roles operatorId"] = id(5),
                ["POST /api/admin/operators/{operatorId}/totp-reset operatorId"] = id(6),
                ["POST /api/admin/operators/{operatorId}/deactivate operatorId"] = id(7),
                ["POST /api/admin/keys/{keyId}/rotate keyId"] = keys[1].Id.ToString(),
                ["POST /api/admin/keys/{keyId}/revoke keyId"] = keys[2].Id.ToString(),
                ["PUT /api/admin/keys/{keyId}/limits keyId"] = keys[3].Id.ToString(),
            });
    }

    private async Task<string> OjkServiceIdAsync()
    {
        await using var db = new NpgsqlConnection(await fixture.DatabaseConnectionStringAsync());
        await db.OpenAsync();
        await using var find = new NpgsqlCommand("SELECT id FROM transaction.external_services WHERE code = 'OJK'", db);
        return ((int)(await find.ExecuteScalarAsync())!).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Accounts at 0.00 (opened by a new user's first balance request), by id.</summary>
    private async Task<string[]> OpenAccountsAsync(TestOperator staff, int count)
    {
        using var payment = fixture.CreateClient("payment");
        var ids = new List<string>();
        foreach (var _ in Enumerable.Range(0, count))
        {
            var user = await TestUsers.RegisterAndLoginAsync(auth);
            Assert.Equal(0m, await payments.BalanceAsync(user));
            using var response = await payment.SendAsync(staff.Authorized(HttpMethod.Get, $"/api/admin/users/{user.Id}/account"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accountId").GetString()!);
        }

        return [.. ids];
    }

    private async Task SuspendAsync(TestOperator staff, string accountId)
    {
        using var payment = fixture.CreateClient("payment");
        using var response = await payment.SendAsync(staff.Authorized(HttpMethod.Post, $"/api/admin/accounts/{accountId}/suspend", new { reason = "sweep target" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
