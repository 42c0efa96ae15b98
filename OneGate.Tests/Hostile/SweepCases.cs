using System.Text;

namespace OneGate.Tests.Hostile;

/// <summary>One bad request: which operation, which kind of attack, and the request itself.</summary>
/// <param name="ProtocolLevel">Refused by Kestrel's HTTP parser before any application code runs (a bare 4xx without a
/// body is all it can send); checked for a 4xx that reveals nothing.</param>
public sealed record HostileCase(ApiOperation Operation, string Category, string Name, HostileRequest Request, bool ProtocolLevel = false)
{
    public override string ToString() => $"{Operation.Service} {Operation.Name} [{Category}] {Name}";
}

/// <summary>What the sweep's set-up prepared (all of it before the first database snapshot).</summary>
public sealed class SweepInputs
{
    public required ContractRules.Inputs Fields { get; init; }

    /// <summary>The sweep user's access token (valid, live session).</summary>
    public required string OwnerToken { get; init; }

    /// <summary>
    /// A live session of the sweep user per bearer operation, so a case that wrongly ended a session (a logout that
    /// should have been refused) spoils only its own operation, and is caught by the check that all are still live.
    /// </summary>
    public required IReadOnlyDictionary<string, string> SessionPerOperation { get; init; }

    /// <summary>A SUCCESS payment of the sweep user (base of refunds and of transaction paths).</summary>
    public required string OwnTransactionId { get; init; }

    /// <summary>
    /// Path parameter values of the base requests, keyed by parameter name (<c>accountId</c>) or, for one operation,
    /// by operation and parameter name (<c>POST /api/admin/accounts/{accountId}/reactivate accountId</c>).
    /// </summary>
    public required IReadOnlyDictionary<string, string> PathValues { get; init; }

    /// <summary>
    /// Path values of the controls (the base requests sent once, accepted) of operations that change their target:
    /// other targets than the cases', so the cases' targets stay in the state their base request needs.
    /// </summary>
    public required IReadOnlyDictionary<string, string> ControlPathValues { get; init; }

    /// <summary>Throwaway sessions for the controls of operations that end the caller's session (logouts), by operation.</summary>
    public required IReadOnlyDictionary<string, string> ControlTokens { get; init; }

    /// <summary>Per operator operation, a live operator token with the roles it needs.</summary>
    public required IReadOnlyDictionary<string, string> OperatorTokenPerOperation { get; init; }

    /// <summary>Per operator operation that needs a role, a live operator token without it (403).</summary>
    public required IReadOnlyDictionary<string, string> OperatorWithoutRole { get; init; }

    /// <summary>An operator token whose session was logged out.</summary>
    public required string EndedOperatorToken { get; init; }

    /// <summary>A transaction of another user: the sweep user must get 404 for it.</summary>
    public required string OtherUsersTransactionId { get; init; }

    /// <summary>Authorization header values that must all be refused: forged, altered, expired, logged out...</summary>
    public required IReadOnlyList<KeyValuePair<string, string?>> BearerAttacks { get; init; }

    /// <summary>A regulator key with both permissions and limits high enough for the sweep.</summary>
    public required string RegulatorKey { get; init; }

    /// <summary>X-API-Key values that must all be refused (null: header absent).</summary>
    public required IReadOnlyList<KeyValuePair<string, string?>> ApiKeyAttacks { get; init; }

    /// <summary>Per regulator path, a live key that lacks that path's permission.</summary>
    public required IReadOnlyDictionary<string, string> KeyWithoutPermission { get; init; }
}

/// <summary>Generates the bad-input cases of an operation from its OpenAPI description and the contract rules.</summary>
public sealed class SweepCases(SweepInputs inputs)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    // A provider notification shaped like a real one but signed by nobody.
    private const string UnsignedNotification = """
        {"originalPartnerReferenceNo":"TRX-20260101-00000000000000000000","originalReferenceNo":"1","merchantId":"G099333790","amount":{"value":"10000.00","currency":"IDR"},"latestTransactionStatus":"00","transactionStatusDesc":"SUCCESS"}
        """;

    public static bool MovesMoney(ApiOperation op) =>
        op.Caller == Caller.Bearer && op.Method == "POST" && op.Path.StartsWith("/api/payments/", StringComparison.Ordinal);

    /// <summary>The operation's valid request; every case changes exactly one thing of it.</summary>
    /// <param name="control">The control's request: its own target and throwaway session where it changes them.</param>
    public HostileRequest Base(ApiOperation op, bool control = false)
    {
        var rules = ContractRules.For(op, inputs.Fields);
        var path = PathOf(op, control);
        var query = op.Parameters.Where(p => p.In == "query" && p.Required)
            .Select(p => new KeyValuePair<string, string>(p.Name, p.Name == "date" ? Regulators.RegulatorClient.TodayWib : "1")).ToList();
        List<KeyValuePair<string, string>>? fields = op.HasJsonBody
            ? op.BodyProperties.Where(p => rules.GetValueOrDefault(p.Name)?.Base is not null)
                .Select(p => new KeyValuePair<string, string>(p.Name, rules[p.Name].Base!())).ToList()
            : null;
        var request = new HostileRequest(op.Method, path, query, fields, null, fields is null ? null : "application/json", []);
        if (op.Caller == Caller.ProviderSignature)
        {
            request = request.WithBody(UnsignedNotification);
        }

        var session = control ? inputs.ControlTokens.GetValueOrDefault(op.Name) : null;
        request = op.Caller switch
        {
            Caller.Bearer => request.WithHeader("Authorization", "Bearer " + (session ?? inputs.SessionPerOperation[op.Name])),
            Caller.Operator => request.WithHeader("Authorization", "Bearer " + (session ?? inputs.OperatorTokenPerOperation[op.Name])),
            Caller.ApiKey => request.WithHeader("X-API-Key", inputs.RegulatorKey),
            _ => request,
        };
        return MovesMoney(op) ? request.WithHeader("Idempotency-Key", Guid.NewGuid().ToString()) : request;
    }

    public IEnumerable<HostileCase> For(ApiOperation op) =>
        BodySyntax(op).Concat(BodyFields(op)).Concat(Parameters(op)).Concat(Authentication(op)).Concat(Headers(op));

    /// <summary>The operation's path with each parameter's base value, or <paramref name="value"/> for <paramref name="parameter"/>.</summary>
    private string PathOf(ApiOperation op, bool control, string? parameter = null, string? value = null) =>
        op.Parameters.Where(p => p.In == "path").Aggregate(op.Path, (path, p) => path.Replace("{" + p.Name + "}",
            p.Name == parameter ? value : Uri.EscapeDataString(PathValue(op, p.Name, control)), StringComparison.Ordinal));

    private string PathValue(ApiOperation op, string name, bool control) =>
        (control ? inputs.ControlPathValues.GetValueOrDefault($"{op.Name} {name}") : null)
        ?? inputs.PathValues.GetValueOrDefault($"{op.Name} {name}") ?? inputs.PathValues.GetValueOrDefault(name)
        ?? throw new InvalidOperationException($"The sweep has no value for {{{name}}} of {op.Service} {op.Name}: add one to PathValues in its set-up.");

    /// <summary>Methods a path does not document: 405 (one set per path, not per operation).</summary>
    public IEnumerable<HostileCase> WrongMethods(IReadOnlyList<ApiOperation> operations) =>
        operations.GroupBy(o => (o.Service, o.Path)).SelectMany(path =>
        {
            var documented = path.Select(o => o.Method).ToHashSet();
            var op = path.First();
            var concrete = PathOf(op, control: false);
            return Methods.Where(m => !documented.Contains(m)).Select(m => new HostileCase(op, "method", $"{m} not documented",
                new HostileRequest(m, concrete, [], null, m is "GET" or "DELETE" ? null : "{}"u8.ToArray(), "application/json", [])));
        });

    private IEnumerable<HostileCase> BodySyntax(ApiOperation op)
    {
        if (!op.HasJsonBody && op.Caller != Caller.ProviderSignature)
        {
            return [];
        }

        var bodyOptional = op.BodyProperties.All(p => ContractRules.For(op, inputs.Fields).GetValueOrDefault(p.Name)?.Optional == true);
        HostileCase Case(string name, Func<HostileRequest, HostileRequest> change) => new(op, "body syntax", name, change(Base(op)));
        var cases = new List<HostileCase>();
        var json = Encoding.UTF8.GetString(Base(op).BodyBytes ?? "{}"u8.ToArray());
        var first = op.BodyProperties.FirstOrDefault()?.Name ?? "x";

        if (!bodyOptional)
        {
            // An optional body (logout) may be empty or null: that is a valid request.
            cases.Add(Case("empty body", r => r.WithBody([])));
            cases.Add(Case("JSON null", r => r.WithBody("null")));
            cases.Add(Case("no content type", r => r.WithBody(json, contentType: null)));
        }

        cases.Add(Case("array", r => r.WithBody("[" + json + "]")));
        cases.Add(Case("string", r => r.WithBody("\"" + json.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")));
        cases.Add(Case("number", r => r.WithBody("42")));
        cases.Add(Case("truncated", r => r.WithBody(json[..(json.Length / 2)])));
        cases.Add(Case("trailing garbage", r => r.WithBody(json + " }{ trailing")));
        cases.Add(Case("single quotes", r => r.WithBody(json.Replace('"', '\''))));
        cases.Add(Case("comment", r => r.WithBody("/* hi */" + json)));
        cases.Add(Case("trailing comma", r => r.WithBody(json[..^1] + ",}")));
        cases.Add(Case("bare NaN literal", r => r.WithBody($$"""{"{{first}}": NaN}""")));
        cases.Add(Case("invalid UTF-8", r => r.WithBody([.. "{\""u8, .. Encoding.UTF8.GetBytes(first), .. "\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8])));
        cases.Add(Case("lone surrogate escape", r => r.WithBody($$"""{"{{first}}": "\uD800"}""")));
        cases.Add(Case("nesting 1000 deep", r => r.WithBody($$"""{"{{first}}": {{new string('[', 1000)}}{{new string(']', 1000)}}}""")));
        // Over the 64 KiB limit; on their own connection, which the server closes after refusing an unread body.
        cases.Add(Case("100 KiB body", r => r.WithBody(LargeBody(first)).WithHeader("Connection", "close")));
        cases.Add(Case("100 KiB body, chunked", r => r.WithBody(LargeBody(first)).WithHeader("Connection", "close") with { Chunked = true }));
        cases.Add(Case("text/plain", r => r.WithBody(json, "text/plain")));
        cases.Add(Case("XML", r => r.WithBody("<request><amount>1</amount></request>", "application/xml")));
        cases.Add(Case("form-urlencoded", r => r.WithBody("amount=10000&merchant=x", "application/x-www-form-urlencoded")));
        cases.Add(Case("multipart", r => r.WithBody("--b\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\n1\r\n--b--\r\n", "multipart/form-data; boundary=b")));
        cases.Add(Case("JSON declared UTF-32", r => r.WithBody(json, "application/json; charset=utf-32")));

        // A change that leaves the body as it was (single quotes in "{}") is no bad input.
        var unchanged = Encoding.UTF8.GetBytes(json);
        return cases.Where(c => c.Request.ContentType != "application/json" || c.Request.BodyBytes is not { } b || !b.AsSpan().SequenceEqual(unchanged));
    }

    private static byte[] LargeBody(string field) => Encoding.UTF8.GetBytes($$"""{"{{field}}": "{{new string('x', 100 * 1024)}}"}""");

    private IEnumerable<HostileCase> BodyFields(ApiOperation op)
    {
        var rules = ContractRules.For(op, inputs.Fields);
        foreach (var property in op.BodyProperties)
        {
            var rule = rules.GetValueOrDefault(property.Name) ?? new FieldRule(null, false, [], true);
            var name = property.Name;
            var values = new List<BadValue>();
            if (!rule.Optional)
            {
                values.Add(new("null", "null"));
            }

            if (property.Types.Contains("string") && !property.Types.Contains("number"))
            {
                values.AddRange([new("number", "12345"), new("boolean", "true"), new("object", """{"$gt":""}"""), new("array", """["a"]""")]);
            }

            values.AddRange(rule.Invalid);
            if (rule.Injections)
            {
                values.AddRange(ContractRules.Attacks.Select(a => new BadValue("attack " + a, System.Text.Json.JsonSerializer.Serialize(a))));
            }

            if (!rule.Optional && rule.Base is not null)
            {
                yield return new HostileCase(op, "body field", $"{name} missing", Base(op).WithField(name, null));
            }

            foreach (var value in values.DistinctBy(v => v.Json))
            {
                yield return new HostileCase(op, "body field", $"{name} = {value.Label}", Base(op).WithField(name, value.Json));
            }
        }
    }

    private IEnumerable<HostileCase> Parameters(ApiOperation op)
    {
        foreach (var parameter in op.Parameters)
        {
            if (parameter.In == "query" && parameter.Required)
            {
                yield return new HostileCase(op, "parameter", $"{parameter.Name} missing", Base(op).WithoutQuery(parameter.Name));
            }

            foreach (var value in ContractRules.InvalidParameterValues(parameter.Name))
            {
                if (parameter.In == "path" && value.Contains('\0', StringComparison.Ordinal))
                {
                    continue; // Kestrel refuses an encoded NUL in the path itself: see ProtocolLevel below
                }

                var request = parameter.In == "path"
                    ? Base(op) with { Path = PathOf(op, false, parameter.Name, Uri.EscapeDataString(value)) }
                    : Base(op).WithQuery(parameter.Name, value);
                yield return new HostileCase(op, "parameter", $"{parameter.Name} = {Printable(value)}", request);
            }

            if (parameter.In == "path")
            {
                yield return new HostileCase(op, "protocol", $"{parameter.Name} with an encoded NUL",
                    Base(op) with { Path = PathOf(op, false, parameter.Name, "TRX%00") }, ProtocolLevel: true);
            }

            if (parameter is { In: "path", Name: "transactionId" } && op.Caller == Caller.Bearer)
            {
                yield return new HostileCase(op, "other user", "another user's transaction id",
                    Base(op) with { Path = PathOf(op, false, parameter.Name, inputs.OtherUsersTransactionId) });
            }
        }

        var names = op.Parameters.Where(p => p.In == "query").Select(p => p.Name).ToHashSet();
        if (names.Contains("from") && names.Contains("to"))
        {
            yield return new HostileCase(op, "parameter", "from after to",
                Base(op).WithQuery("from", "2026-12-01T00:00:00Z").WithQuery("to", "2026-01-01T00:00:00Z"));
        }
    }

    private IEnumerable<HostileCase> Authentication(ApiOperation op)
    {
        switch (op.Caller)
        {
            case Caller.Bearer:
                foreach (var c in TokenAttacks(op))
                {
                    yield return c;
                }

                yield return new HostileCase(op, "token", "token in the query string instead of the header",
                    Base(op).WithHeader("Authorization", null).WithQuery("access_token", inputs.OwnerToken));
                yield return new HostileCase(op, "token", "regulator key instead of a token",
                    Base(op).WithHeader("Authorization", null).WithHeader("X-API-Key", inputs.RegulatorKey));
                yield return new HostileCase(op, "token", "two comma-joined tokens in Authorization",
                    Base(op).WithHeader("Authorization", "Bearer " + inputs.OwnerToken, "Bearer " + inputs.OwnerToken));
                yield return new HostileCase(op, "token", "operator token instead of a user token",
                    Base(op).WithHeader("Authorization", "Bearer " + inputs.OperatorTokenPerOperation.Values.First()));
                break;
            case Caller.Operator:
                foreach (var c in OperatorAuthentication(op))
                {
                    yield return c;
                }

                break;
            case Caller.ApiKey:
                foreach (var (name, value) in inputs.ApiKeyAttacks)
                {
                    yield return new HostileCase(op, "API key", name, Base(op).WithHeader("X-API-Key", value is null ? null : [value]));
                }

                if (inputs.KeyWithoutPermission.TryGetValue(op.Path, out var unpermitted))
                {
                    yield return new HostileCase(op, "API key", "live key without this endpoint's permission", Base(op).WithHeader("X-API-Key", unpermitted));
                }

                yield return new HostileCase(op, "API key", "key in the query string instead of the header",
                    Base(op).WithHeader("X-API-Key", null).WithQuery("api_key", inputs.RegulatorKey));
                yield return new HostileCase(op, "API key", "user token instead of a key",
                    Base(op).WithHeader("X-API-Key", null).WithHeader("Authorization", "Bearer " + inputs.OwnerToken));
                yield return new HostileCase(op, "API key", "two comma-joined keys in X-API-Key",
                    Base(op).WithHeader("X-API-Key", inputs.RegulatorKey, inputs.RegulatorKey));
                break;
            case Caller.ProviderSignature:
                var now = OneGate.Snap.SnapTimestamp.Format(DateTimeOffset.UtcNow);
                using (var stranger = System.Security.Cryptography.RSA.Create(2048))
                {
                    var body = Base(op).BodyBytes ?? [];
                    var forged = OneGate.Snap.SnapSignature.SignNotification(stranger, "POST", op.Path, body, now);
                    yield return new HostileCase(op, "signature", "no signature", Base(op));
                    yield return new HostileCase(op, "signature", "garbage signature", Base(op).WithHeader("X-TIMESTAMP", now).WithHeader("X-SIGNATURE", "garbage"));
                    yield return new HostileCase(op, "signature", "signed by another key", Base(op).WithHeader("X-TIMESTAMP", now).WithHeader("X-SIGNATURE", forged));
                    yield return new HostileCase(op, "signature", "timestamp without offset", Base(op).WithHeader("X-TIMESTAMP", "2026-01-01T00:00:00").WithHeader("X-SIGNATURE", forged));
                    yield return new HostileCase(op, "signature", "stale timestamp", Base(op).WithHeader("X-TIMESTAMP", "2001-01-01T00:00:00+07:00").WithHeader("X-SIGNATURE", forged));
                    yield return new HostileCase(op, "signature", "bearer token instead of a signature", Base(op).WithHeader("Authorization", "Bearer " + inputs.OwnerToken));
                }

                break;
        }
    }

    /// <summary>The user token attacks, and a user's token, an ended operator session, an operator without the role.</summary>
    private IEnumerable<HostileCase> TokenAttacks(ApiOperation op) =>
        inputs.BearerAttacks.Select(a => new HostileCase(op, "token", a.Key, Base(op).WithHeader("Authorization", a.Value is null ? null : [a.Value])));

    private IEnumerable<HostileCase> OperatorAuthentication(ApiOperation op)
    {
        foreach (var c in TokenAttacks(op))
        {
            yield return c;
        }

        var token = inputs.OperatorTokenPerOperation[op.Name];
        yield return new HostileCase(op, "token", "user token instead of an operator token", Base(op).WithHeader("Authorization", "Bearer " + inputs.OwnerToken));
        yield return new HostileCase(op, "token", "logged-out operator session", Base(op).WithHeader("Authorization", "Bearer " + inputs.EndedOperatorToken));
        yield return new HostileCase(op, "token", "operator token in the query string instead of the header",
            Base(op).WithHeader("Authorization", null).WithQuery("access_token", token));
        yield return new HostileCase(op, "token", "regulator key instead of a token",
            Base(op).WithHeader("Authorization", null).WithHeader("X-API-Key", inputs.RegulatorKey));
        yield return new HostileCase(op, "token", "two comma-joined operator tokens in Authorization", Base(op).WithHeader("Authorization", "Bearer " + token, "Bearer " + token));
        if (inputs.OperatorWithoutRole.TryGetValue(op.Name, out var lacking))
        {
            yield return new HostileCase(op, "token", "operator without the operation's role", Base(op).WithHeader("Authorization", "Bearer " + lacking));
        }
    }

    private IEnumerable<HostileCase> Headers(ApiOperation op)
    {
        if (!MovesMoney(op))
        {
            yield break;
        }

        const string Key = "Idempotency-Key";
        yield return new HostileCase(op, "header", $"{Key} missing", Base(op).WithHeader(Key, null));
        yield return new HostileCase(op, "header", $"{Key} empty", Base(op).WithHeader(Key, ""));
        yield return new HostileCase(op, "header", $"{Key} 256 chars", Base(op).WithHeader(Key, new string('k', 256)));
        yield return new HostileCase(op, "header", $"{Key} with a tab", Base(op).WithHeader(Key, "a\tb"));
        yield return new HostileCase(op, "header", $"{Key} with DEL", Base(op).WithHeader(Key, "a\u007Fb"));
    }

    private static string Base64(string text) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(text);

    private static string Printable(string value) =>
        (value.Length > 40 ? $"{value[..20]}…({value.Length} chars)" : value).Replace("\r", "\\r", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
