namespace OneGate.Snap;

/// <summary>SNAP's request headers.</summary>
public static class SnapHeaders
{
    public const string Timestamp = "X-TIMESTAMP";
    public const string Signature = "X-SIGNATURE";
    public const string ClientKey = "X-CLIENT-KEY";
    public const string PartnerId = "X-PARTNER-ID";
    public const string ExternalId = "X-EXTERNAL-ID";
    public const string ChannelId = "CHANNEL-ID";
}
