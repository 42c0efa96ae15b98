using System.Net.Mime;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>
/// One SNAP answer as bytes, so an idempotent replay (same <c>X-EXTERNAL-ID</c>, same body) sends exactly what the
/// first call got. The factories are the errors a provider gives, <c>responseCode</c> = HTTP status + service + case.
/// </summary>
public sealed class SnapReply(int statusCode, byte[] body) : IResult
{
    public int StatusCode { get; } = statusCode;

    public byte[] Body { get; } = body;

    public static SnapReply Of<T>(int statusCode, T message) => new(statusCode, SnapJson.Serialize(message));

    public static SnapReply Answer(int statusCode, string service, string caseCode, string message) =>
        Of(statusCode, new SnapAnswer(Code(statusCode, service, caseCode), message));

    public static string Code(int statusCode, string service, string caseCode) => SnapResponseCode.Of(statusCode, service, caseCode).ToString();

    public static SnapReply InvalidFormat(string service, string field) => Answer(400, service, "01", $"Invalid Field Format {field}");

    public static SnapReply MissingField(string service, string field) => Answer(400, service, "02", $"Invalid Mandatory Field {field}");

    public static SnapReply Unauthorized(string service, string reason) => Answer(401, service, "00", $"Unauthorized. {reason}");

    public static SnapReply InvalidToken(string service) => Answer(401, service, "01", "Invalid Token (B2B)");

    public static SnapReply NotFound(string service) => Answer(404, service, "01", "Transaction Not Found");

    public static SnapReply InvalidMerchant(string service) => Answer(404, service, "08", "Invalid Merchant");

    public static SnapReply DuplicateExternalId(string service) => Answer(409, service, "00", "Conflict");

    public static SnapReply InternalError(string service) => Answer(500, service, "01", "Internal Server Error");

    public bool IsServerError => StatusCode >= 500;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = MediaTypeNames.Application.Json;
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
