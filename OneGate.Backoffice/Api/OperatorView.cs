namespace OneGate.Backoffice.Api;

/// <summary>An operator as Auth shows it.</summary>
public sealed record OperatorView(int Id, string Username, IReadOnlyList<string> Roles, bool IsActive, DateTimeOffset CreatedAt, int? CreatedBy);
