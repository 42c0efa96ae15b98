using OneGate.Snap;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>
/// Runs one transactional call (54, 55, 58) the way a provider does: the <see cref="SnapCallGate"/> checks, then the
/// body's shape and fields, then <c>X-EXTERNAL-ID</c> (<see cref="ExternalIdBook"/>), then the service itself.
/// The service runs on the application's lifetime, not the request's: its answer is kept for replays even when the
/// caller has given up waiting.
/// </summary>
public sealed class SnapCallHandler(SnapCallGate gate, ExternalIdBook externalIds, IHostApplicationLifetime lifetime)
{
    public async Task<SnapReply> HandleAsync<TRequest>(HttpContext http, SandboxProvider provider, string service,
        Func<TRequest, SnapReply?> check, Func<TRequest, CancellationToken, Task<SnapReply>> act)
        where TRequest : class
    {
        var request = http.Request;
        var body = await RequestBody.ReadAsync(request, http.RequestAborted);
        if (body is null)
        {
            return SnapReply.InvalidFormat(service, "body (over 64 KiB)");
        }

        if (gate.Check(request, provider, service, body) is { } refused)
        {
            return refused;
        }

        if (SnapJson.TryDeserialize<TRequest>(body) is not { } message)
        {
            return SnapReply.InvalidFormat(service, "body");
        }

        if (check(message) is { } invalid)
        {
            return invalid;
        }

        var headers = request.Headers;
        return await externalIds.OnceAsync(provider, headers[SnapHeaders.PartnerId].ToString(), headers[SnapHeaders.ExternalId].ToString(),
            service, body, () => act(message, lifetime.ApplicationStopping));
    }
}
