namespace OneGate.Backoffice.Api;

/// <summary>A key just issued or rotated: the only answer that carries its secret.</summary>
public sealed record IssuedKey(RegulatorKeyView Key, string Secret, RegulatorKeyView? Previous);
