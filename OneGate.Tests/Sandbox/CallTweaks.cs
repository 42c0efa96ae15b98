namespace OneGate.Tests.Sandbox;

/// <summary>What a test changes in an otherwise correct SNAP call, to see the sandbox refuse it.</summary>
public sealed record CallTweaks(
    string? Token = null,
    DateTimeOffset? At = null,
    string? ExternalId = null,
    bool ForgeSignature = false,
    string? PartnerId = null,
    string? ChannelId = null,
    string? OmitHeader = null);
