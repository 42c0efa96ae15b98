using System.Text.Json;
using OneGate.Payment.Data;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace OneGate.Payment.Providers;

/// <summary>Turns every way a provider call can fail without a trustworthy answer into <see cref="ProviderUnavailableException"/>.</summary>
internal static class ProviderErrors
{
    public static async Task<T> GuardAsync<T>(PaymentMethod method, string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (ProviderUnavailableException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the caller gave up (request aborted, shutdown): not the provider's fault
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                       or OperationCanceledException or JsonException)
        {
            throw new ProviderUnavailableException(method, $"{method} {operation} failed: {Describe(ex)}.", ex);
        }
    }

    public static ProviderUnavailableException Unexpected(PaymentMethod method, string operation, string what) =>
        new(method, $"{method} {operation} failed: {what}.");

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException => "timed out",
        BrokenCircuitException => "circuit open after repeated failures",
        HttpRequestException http => $"transport error ({http.HttpRequestError})",
        JsonException => "unreadable response",
        _ => "cancelled by the HTTP client's timeout",
    };
}
