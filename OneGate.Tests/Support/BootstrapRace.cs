namespace OneGate.Tests.Support;

/// <summary>Which usernames four concurrent bootstraps tried, and how each run ended.</summary>
public sealed record BootstrapRace(string[] Usernames, CommandRun[] Runs);
