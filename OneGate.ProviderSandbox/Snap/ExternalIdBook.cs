using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.Snap;

/// <summary>
/// <c>X-EXTERNAL-ID</c> as a provider treats it: unique per partner per provider day. The first call with an id is
/// carried out and its answer kept; the same id with the same service and body gets that answer again (also while
/// the first is still running) with no new effect; with anything else, 409 SS00. A 5xx answer is not kept (the
/// call had no effect), so a retry with the same id is carried out afresh.
/// </summary>
public sealed class ExternalIdBook(TimeProvider time, ILogger<ExternalIdBook> logger)
{
    private readonly ConcurrentDictionary<(SandboxProvider Provider, string PartnerId, DateOnly Day, string ExternalId), Entry> _entries = new();

    public async Task<SnapReply> OnceAsync(SandboxProvider provider, string partnerId, string externalId, string service, byte[] body,
        Func<Task<SnapReply>> act)
    {
        var key = (provider, partnerId, SnapTimestamp.ProviderDay(time.GetUtcNow()), externalId);
        var entry = new Entry(Fingerprint(service, body));
        var stored = _entries.GetOrAdd(key, entry);
        if (!ReferenceEquals(stored, entry))
        {
            return stored.Fingerprint == entry.Fingerprint ? await stored.Answer.Task : SnapReply.DuplicateExternalId(service);
        }

        // Stays a 5xx if the act throws or is cancelled (shutting down): not kept, a retry runs afresh.
        var reply = SnapReply.InternalError(service);
        try
        {
            reply = await act();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Service {Service} failed for external id {ExternalId}", service, externalId);
        }
        finally
        {
            if (reply.IsServerError)
            {
                _entries.TryRemove(new KeyValuePair<(SandboxProvider, string, DateOnly, string), Entry>(key, entry));
            }

            entry.Answer.TrySetResult(reply);
        }

        return reply;
    }

    private static string Fingerprint(string service, byte[] body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(service + ":" + SnapSignature.BodyHash(body))));

    private sealed class Entry(string fingerprint)
    {
        public string Fingerprint { get; } = fingerprint;

        public TaskCompletionSource<SnapReply> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
