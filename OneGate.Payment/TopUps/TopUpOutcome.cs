using System.Text.Json;
using OneGate.Payment.Data;

namespace OneGate.Payment.TopUps;

/// <summary>Why a top-up ended as it did, as the ledger wrote it in <c>metadata</c> (<c>failureReason</c> or <c>cancelReason</c>).</summary>
public static class TopUpOutcome
{
    public static string? Reason(HistoricalTransaction topUp)
    {
        if (topUp.Metadata is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(topUp.Metadata);
        return json.RootElement.ValueKind != JsonValueKind.Object ? null
            : json.RootElement.TryGetProperty("failureReason", out var failure) ? failure.GetString()
            : json.RootElement.TryGetProperty("cancelReason", out var cancel) ? cancel.GetString()
            : null;
    }
}
