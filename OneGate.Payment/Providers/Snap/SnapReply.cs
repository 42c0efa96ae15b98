using System.Net.Http.Headers;

namespace OneGate.Payment.Providers.Snap;

/// <summary>A provider's answer to one transactional call: the HTTP status, the exact body and what its responseCode means.</summary>
internal sealed record SnapReply(int HttpStatus, byte[] Body, string? ResponseCode, SnapResponseClass Class)
{
    /// <summary>The exact bytes to send, as JSON (the signature covers these bytes).</summary>
    public static ByteArrayContent Content(byte[] body) =>
        new(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };

    /// <summary>For exceptions and logs: codes only, never the body (it may carry personal data).</summary>
    public override string ToString() => $"HTTP {HttpStatus}, responseCode {ResponseCode ?? "none"} ({Class})";
}
