using System.Text;

namespace OneGate.Tests.Hostile;

/// <summary>
/// A request before it is sent: the operation's valid base request, then changed by one mutation. The body is either
/// the fields (raw JSON values, in order, so a value may be a literal JSON cannot hold) or raw bytes.
/// </summary>
public sealed record HostileRequest(
    string Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    IReadOnlyList<KeyValuePair<string, string>>? Fields,
    byte[]? RawBody,
    string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool Chunked = false)
{
    public HostileRequest WithField(string name, string? rawJson)
    {
        var fields = (Fields ?? []).Where(f => f.Key != name).ToList();
        if (rawJson is not null)
        {
            var at = (Fields ?? []).ToList().FindIndex(f => f.Key == name);
            fields.Insert(at < 0 ? fields.Count : at, new(name, rawJson));
        }

        return this with { Fields = fields };
    }

    public HostileRequest WithBody(string text, string? contentType = "application/json") => WithBody(Encoding.UTF8.GetBytes(text), contentType);

    public HostileRequest WithBody(byte[] bytes, string? contentType = "application/json") => this with { Fields = null, RawBody = bytes, ContentType = contentType };

    public HostileRequest WithQuery(string name, string value) =>
        this with { Query = [.. Query.Where(q => q.Key != name), new(name, value)] };

    public HostileRequest WithoutQuery(string name) => this with { Query = [.. Query.Where(q => q.Key != name)] };

    /// <summary>Replaces (or with null removes) every value of a header; several values mean the header repeated.</summary>
    public HostileRequest WithHeader(string name, params string[]? values) =>
        this with { Headers = [.. Headers.Where(h => !h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)), .. (values ?? []).Select(v => new KeyValuePair<string, string>(name, v))] };

    /// <summary>The body as sent: the fields as a JSON object, or the raw bytes.</summary>
    public byte[]? BodyBytes => RawBody ?? (Fields is null ? null
        : Encoding.UTF8.GetBytes("{" + string.Join(",", Fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}"));

    public HttpRequestMessage ToMessage()
    {
        var query = Query.Count == 0 ? "" : "?" + string.Join("&", Query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(Path + query, UriKind.Relative));
        if (BodyBytes is { } bytes)
        {
            message.Content = Chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }
}
