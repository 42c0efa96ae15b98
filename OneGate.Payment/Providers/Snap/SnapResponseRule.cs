namespace OneGate.Payment.Providers.Snap;

/// <summary>One row of <see cref="SnapResponseMapping.Table"/>: a responseCode's HTTP status and case code, whatever the service.</summary>
public sealed record SnapResponseRule(int HttpStatus, string Case, SnapResponseClass Class, string Meaning);
