using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OneGate.Payment.Providers.GoPay;
using OneGate.Payment.Providers.ShopeePay;
using Polly;

namespace OneGate.Payment.Providers;

public static class ProviderExtensions
{
    /// <summary>
    /// Registers the e-wallet providers: options (validated at start), the typed HTTP clients with their own
    /// resilience pipeline, <see cref="EWalletProviders"/> (transient) and the two callback verifiers (singletons).
    /// </summary>
    public static IHostApplicationBuilder AddEWalletProviders(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<ProvidersOptions>().BindConfiguration(ProvidersOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GoPayOptions>().BindConfiguration(GoPayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ShopeePayOptions>().BindConfiguration(ShopeePayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GoPayTokenCache>();
        services.AddSingleton<GoPayCallbackVerifier>();
        services.AddSingleton<ShopeePaySignatures>();
        services.AddSingleton<ShopeePayCallbackVerifier>();

        services.AddHttpClient<GoPayProvider>((sp, http) => http.BaseAddress = ApiRoot(sp.GetRequiredService<IOptions<GoPayOptions>>().Value.BaseUrl))
            .UseProviderResilience();
        services.AddHttpClient<ShopeePayProvider>((sp, http) => http.BaseAddress = ApiRoot(sp.GetRequiredService<IOptions<ShopeePayOptions>>().Value.BaseUrl))
            .UseProviderResilience();

        services.AddTransient<IEWalletProvider>(sp => sp.GetRequiredService<GoPayProvider>());
        services.AddTransient<IEWalletProvider>(sp => sp.GetRequiredService<ShopeePayProvider>());
        services.AddTransient<EWalletProviders>();

        return builder;
    }

    /// <summary>
    /// Replaces the standard resilience handler that ServiceDefaults gives every HttpClient with one sized for
    /// provider calls (outermost first): total timeout → retry → circuit breaker → per-attempt timeout.
    /// The pipeline is per client name, so GoPay and ShopeePay each have their own circuit.
    /// </summary>
    private static void UseProviderResilience(this IHttpClientBuilder http)
    {
        // RemoveAllResilienceHandlers is the documented way to drop the ConfigureHttpClientDefaults handler for
        // one client; Microsoft.Extensions.Http.Resilience 10.x still marks it [Experimental("EXTEXP0001")]
        // (API approved, name may change), hence the local suppression.
#pragma warning disable EXTEXP0001
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        http.AddResilienceHandler("provider", (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<ProvidersOptions>>().Value;

            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "TotalTimeout", Timeout = o.TotalTimeout });

            if (o.MaxRetryAttempts > 0)
            {
                // Retries cover every provider call, POSTs included, on purpose: the token request only mints a
                // token, and a charge is idempotent at the provider because it is keyed by our transaction id
                // (GoPay order_id, ShopeePay reference_id) — a repeat returns the existing charge and never
                // takes money twice. So a charge whose answer was lost (timeout, 5xx) is safe to send again.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = o.MaxRetryAttempts,
                    Delay = o.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = o.CircuitFailureRatio,
                MinimumThroughput = o.CircuitMinimumThroughput,
                SamplingDuration = o.CircuitSamplingDuration,
                BreakDuration = o.CircuitBreakDuration,
            });

            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = o.AttemptTimeout });
        });
    }

    /// <summary>The base address with a trailing slash, so relative paths append to it instead of replacing its last segment.</summary>
    private static Uri ApiRoot(string baseUrl) => new(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
}
