namespace OneGate.Tests.Regulators;

/// <summary>A key issued by the <c>keys</c> command: the secret (shown once), its prefix and id.</summary>
public sealed record IssuedKey(string Secret, string Prefix, Guid Id);
