namespace OneGate.Tests.Support;

/// <summary>How a run of a service binary as a command ended.</summary>
public sealed record CommandRun(int ExitCode, string Output, string Error);
