using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OneGate.Benchmarks;

/// <summary>
/// Login throughput (Argon2id dominates), and what token validation costs: the ES256 signature check
/// in-process, and end to end the difference between an authenticated and an anonymous request.
/// </summary>
public static class AuthBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        using var auth = new HttpClient { BaseAddress = options.Auth };
        using var payment = new HttpClient { BaseAddress = options.Payment };
        var duration = TimeSpan.FromSeconds(options.Seconds);

        var id = Guid.NewGuid().ToString("N")[..10];
        var user = new { username = "bench_" + id, email = id + "@bench.example", phone = "0813" + string.Concat(id.Select(c => (char)('0' + (c % 10))))[..8], password = "benchmark password" };
        (await auth.PostAsJsonAsync("/api/auth/register", user)).EnsureSuccessStatusCode();

        Console.WriteLine($"# OneGate auth benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, {options.Seconds} s per row, {options.Concurrency} workers");
        Console.WriteLine();
        Console.WriteLine("| scenario | requests | failures | per second | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|---|---|---|");

        // Successful logins (a failed one would trip the throttle): one Argon2id verification each.
        string accessToken = "";
        Console.WriteLine(await LoadRun.RunAsync("POST /api/auth/login", options.Concurrency, duration, async () =>
        {
            using var response = await auth.PostAsJsonAsync("/api/auth/login", new { username = user.username, password = user.password });
            if (response.IsSuccessStatusCode)
            {
                accessToken = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            }

            return response.IsSuccessStatusCode;
        }));

        Console.WriteLine(await LoadRun.RunAsync("GET payment /alive (no token)", options.Concurrency, duration, async () =>
        {
            using var response = await payment.GetAsync(new Uri("/alive", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }));

        Console.WriteLine(await LoadRun.RunAsync("GET payment /api/payments/balance (token + session + query)", options.Concurrency, duration, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/payments/balance", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await payment.SendAsync(request);
            return response.IsSuccessStatusCode;
        }));

        Console.WriteLine();
        Console.WriteLine(InProcessValidationCost());
        return 0;
    }

    /// <summary>ES256 signature + claims validation alone, single thread (what each request pays in CPU).</summary>
    private static string InProcessValidationCost()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var securityKey = new ECDsaSecurityKey(key) { KeyId = "bench" };
        var handler = new JsonWebTokenHandler();
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "onegate-auth", Audience = "onegate-api", Expires = DateTime.UtcNow.AddMinutes(15),
            Claims = new Dictionary<string, object> { ["sub"] = "1", ["sid"] = Guid.NewGuid().ToString() },
            SigningCredentials = new SigningCredentials(securityKey, SecurityAlgorithms.EcdsaSha256),
        });
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = "onegate-auth", ValidAudience = "onegate-api", IssuerSigningKey = securityKey,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        };

        for (var i = 0; i < 500; i++)
        {
            handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
        }

        const int n = 5000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            if (!handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult().IsValid)
            {
                throw new InvalidOperationException("validation failed");
            }
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"In-process ES256 token validation (JsonWebTokenHandler, one thread): {clock.Elapsed.TotalMicroseconds / n:F0} µs per token.");
    }
}
