using System.Text.Json;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>One transactional call as the provider received it.</summary>
internal sealed record SnapCall(string Service, byte[] Body, string ExternalId, string Token, JsonElement Json)
{
    public string PartnerReferenceNo => Json.TryGetProperty("partnerReferenceNo", out var p) ? p.GetString()! : Json.GetProperty("originalPartnerReferenceNo").GetString()!;
}
