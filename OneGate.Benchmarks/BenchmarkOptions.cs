using System.Globalization;

namespace OneGate.Benchmarks;

public sealed record BenchmarkOptions(string Suite, Uri Auth, Uri Payment, Uri Transaction, int Seconds, int Concurrency, string? Postgres, string? ApiKey, string? Output, IReadOnlySet<string> Suites, double TraceSampling,
    Uri? UnbatchedPayment = null, Uri? EnginePayment = null, string? PaymentLogin = null, (string Label, Uri Payment)? EngineVariant = null)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new BenchmarkOptions(
            args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "",
            new Uri(Value("--auth", "http://localhost:5101")),
            new Uri(Value("--payment", "http://localhost:5102")),
            new Uri(Value("--transaction", "http://localhost:5103")),
            int.Parse(Value("--seconds", "20"), CultureInfo.InvariantCulture),
            int.Parse(Value("--concurrency", "4"), CultureInfo.InvariantCulture),
            Value("--postgres", "") is { Length: > 0 } postgres ? postgres : null,
            Value("--api-key", "") is { Length: > 0 } apiKey ? apiKey : null,
            Value("--output", "") is { Length: > 0 } output ? output : null,
            // report only: a comma-separated subset of auth,auth-flood,transfer,lag,history (default all).
            Value("--suites", "auth,auth-flood,transfer,lag,history").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
            // report only: the services' trace sampling ratio; the production overlay's 0.1 by default (1 = every request).
            double.Parse(Value("--trace-sampling", "0.1"), CultureInfo.InvariantCulture),
            // transfer only: a Payment replica with Payment:Posting:Batched=false, measured beside the engine (the report starts one).
            Value("--unbatched-payment", "") is { Length: > 0 } unbatched ? new Uri(unbatched) : null,
            // transfer only: the Payment replica whose engine is measured (the report starts one); --payment's by default.
            Value("--engine-payment", "") is { Length: > 0 } engine ? new Uri(engine) : null,
            // transfer only: Payment's database login, whose statements per transfer the suite counts.
            Value("--payment-login", "") is { Length: > 0 } login ? login : null);
    }
}
