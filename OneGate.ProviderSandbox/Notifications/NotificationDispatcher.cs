using Microsoft.Extensions.Options;
using OneGate.ProviderSandbox.Scenarios;
using OneGate.Snap;

namespace OneGate.ProviderSandbox.Notifications;

/// <summary>
/// Delivers a charge's service-56 notification to its notify URL until the receiver accepts it (2xx with
/// responseCode 2005600), at most <see cref="NotificationOptions.MaxAttempts"/> times with doubling back-off, each
/// attempt signed afresh and recorded on the charge. The HTTP client has no resilience handler of its own (see the
/// registration), so each attempt recorded is one request sent.
/// </summary>
public sealed class NotificationDispatcher(
    IHttpClientFactory httpClientFactory,
    NotificationComposer composer,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<NotificationDispatcher> logger)
{
    public const string HttpClientName = "notifications";
    private static readonly string Accepted = SnapResponseCode.Of(200, SnapServices.DebitNotify, "00").ToString();

    public void Dispatch(SandboxCharge charge)
    {
        charge.SetNotificationState(NotificationState.Delivering);
        _ = Task.Run(() => DeliverAsync(charge, lifetime.ApplicationStopping));
    }

    /// <summary>The notification is "sent" and lost on the way: recorded, never delivered.</summary>
    public void Lose(SandboxCharge charge)
    {
        charge.RecordNotificationAttempt(number => new NotificationAttempt(number, time.GetUtcNow(), null, null, "lost", 0));
        charge.SetNotificationState(NotificationState.Lost);
        logger.LogInformation("Notification for {PartnerReferenceNo} lost on purpose", charge.PartnerReferenceNo);
    }

    private async Task DeliverAsync(SandboxCharge charge, CancellationToken stopping)
    {
        var o = options.Value;
        var http = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            for (var attempt = 1; attempt <= o.MaxAttempts; attempt++)
            {
                if (await TryOnceAsync(http, charge, o.AttemptTimeout, stopping))
                {
                    charge.SetNotificationState(NotificationState.Delivered);
                    return;
                }

                if (attempt < o.MaxAttempts)
                {
                    await Task.Delay(o.InitialBackoff * Math.Pow(2, attempt - 1), time, stopping);
                }
            }

            charge.SetNotificationState(NotificationState.Failed);
            logger.LogWarning("Notification for {PartnerReferenceNo} gave up after {Attempts} attempts", charge.PartnerReferenceNo, o.MaxAttempts);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task<bool> TryOnceAsync(HttpClient http, SandboxCharge charge, TimeSpan attemptTimeout, CancellationToken stopping)
    {
        var at = time.GetUtcNow();
        var started = time.GetTimestamp();
        int? status = null;
        string? responseCode = null;
        string? error = null;
        try
        {
            using var request = composer.Compose(charge);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(attemptTimeout);
            using var response = await http.SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            responseCode = SnapJson.TryDeserialize<SnapAnswer>(await response.Content.ReadAsByteArrayAsync(timeout.Token))?.ResponseCode;
            return response.IsSuccessStatusCode && responseCode == Accepted;
        }
        catch (HttpRequestException ex)
        {
            error = ex.HttpRequestError.ToString();
            return false;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            error = "Timeout";
            return false;
        }
        finally
        {
            var durationMs = Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 1);
            charge.RecordNotificationAttempt(number => new NotificationAttempt(number, at, status, responseCode, error, durationMs));
            logger.LogInformation("Notification for {PartnerReferenceNo} to {Url}: {Status} {ResponseCode}{Error}",
                charge.PartnerReferenceNo, charge.NotifyUrl, status, responseCode, error);
        }
    }
}
