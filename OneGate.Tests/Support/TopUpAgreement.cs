using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace OneGate.Tests.Support;

/// <summary>
/// Our ledger against the provider's books (the sandbox's <c>GET /sandbox/charges/{id}</c>), top-up by top-up: what the
/// e-wallet took = what we credited + what it refunded, and our final status says the same (FAILED: nothing taken;
/// CANCELLED: all of it refunded; SUCCESS: credited, nothing refunded). A PENDING top-up disagrees by definition: the
/// check is meant for a system that has settled.
/// </summary>
public static class TopUpAgreement
{
    /// <summary>The top-ups (of one user, or all) that disagree, described; empty when every one agrees.</summary>
    public static async Task<IReadOnlyList<string>> DisagreementsAsync(NpgsqlConnection db, HttpClient sandbox, int? userId = null)
    {
        var problems = new List<string>();
        foreach (var (id, status, amount) in await TopUpsAsync(db, userId))
        {
            var charge = await ChargeAtProviderAsync(sandbox, id);
            var atProvider = charge?.GetProperty("status").GetString();
            var taken = atProvider is "settled" or "refunded" ? charge!.Value.GetProperty("amount").GetDecimal() : 0m;
            var refunded = charge?.GetProperty("refundedAmount").GetDecimal() ?? 0m;
            var credited = status == "SUCCESS" ? amount : 0m;
            var expected = taken == 0 ? "FAILED" : refunded == taken ? "CANCELLED" : "SUCCESS";
            if (taken != credited + refunded || status != expected)
            {
                problems.Add($"{id} {amount}: ours {status}, the provider's {atProvider ?? "unknown to it"}, took {taken}, refunded {refunded}");
            }
        }

        return problems;
    }

    /// <summary><c>GET /sandbox/charges/{id}</c>: status, amount and refundedAmount at the provider; null when the provider never saw it.</summary>
    public static async Task<JsonElement?> ChargeAtProviderAsync(HttpClient sandbox, string transactionId)
    {
        using var response = await sandbox.GetAsync($"/sandbox/charges/{Uri.EscapeDataString(transactionId)}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Polls (bounded) until every top-up agrees; returns what still disagrees at the deadline.</summary>
    public static async Task<IReadOnlyList<string>> SettledDisagreementsAsync(NpgsqlConnection db, HttpClient sandbox, TimeSpan within, int? userId = null)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            var problems = await DisagreementsAsync(db, sandbox, userId);
            if (problems.Count == 0 || DateTimeOffset.UtcNow > deadline)
            {
                return problems;
            }

            await Task.Delay(500);
        }
    }

    private static async Task<List<(string Id, string Status, decimal Amount)>> TopUpsAsync(NpgsqlConnection db, int? userId)
    {
        await using var command = new NpgsqlCommand("""
            SELECT transaction_id, status::text, amount FROM historical_transactions
             WHERE type = 'TOPUP' AND ($1::int IS NULL OR user_id = $1) ORDER BY id
            """, db) { Parameters = { new() { Value = (object?)userId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer } } };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, decimal)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetDecimal(2)));
        }

        return rows;
    }
}
