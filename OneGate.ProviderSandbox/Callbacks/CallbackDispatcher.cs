using Microsoft.Extensions.Options;
using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.Callbacks;

/// <summary>
/// Delivers a charge's callback to its callback URL until it answers 2xx, at most
/// <see cref="CallbackOptions.MaxAttempts"/> times with doubling back-off, recording every attempt on the charge.
/// The HTTP client has no resilience handler of its own (see the registration), so each attempt recorded is
/// one request sent.
/// </summary>
public sealed class CallbackDispatcher(
    IHttpClientFactory httpClientFactory,
    IEnumerable<ICallbackComposer> composers,
    IOptions<CallbackOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CallbackDispatcher> logger)
{
    public const string HttpClientName = "callbacks";

    public void Dispatch(SandboxCharge charge)
    {
        charge.SetCallbackState(CallbackState.Delivering);
        _ = Task.Run(() => DeliverAsync(charge, lifetime.ApplicationStopping));
    }

    private async Task DeliverAsync(SandboxCharge charge, CancellationToken stopping)
    {
        var o = options.Value;
        var composer = composers.Single(c => c.Provider == charge.Provider);
        var http = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            for (var attempt = 1; attempt <= o.MaxAttempts; attempt++)
            {
                if (await TryOnceAsync(http, composer, charge, attempt, o.AttemptTimeout, stopping))
                {
                    charge.SetCallbackState(CallbackState.Delivered);
                    return;
                }

                if (attempt < o.MaxAttempts)
                {
                    await Task.Delay(o.InitialBackoff * Math.Pow(2, attempt - 1), time, stopping);
                }
            }

            charge.SetCallbackState(CallbackState.Failed);
            logger.LogWarning("Callback for {Reference} gave up after {Attempts} attempts", charge.Reference, o.MaxAttempts);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task<bool> TryOnceAsync(HttpClient http, ICallbackComposer composer, SandboxCharge charge, int attempt,
        TimeSpan attemptTimeout, CancellationToken stopping)
    {
        var at = time.GetUtcNow();
        var started = time.GetTimestamp();
        int? status = null;
        string? error = null;
        try
        {
            using var request = composer.Compose(charge);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(attemptTimeout);
            using var response = await http.SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            return response.IsSuccessStatusCode;
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
            var elapsed = time.GetElapsedTime(started);
            charge.RecordCallbackAttempt(new CallbackAttempt(attempt, at, status, error, Math.Round(elapsed.TotalMilliseconds, 1)));
            logger.LogInformation("Callback {Attempt} for {Reference} to {Url}: {Status}{Error}",
                attempt, charge.Reference, charge.CallbackUrl, status, error);
        }
    }
}
