using OneGate.Auth.Data;

namespace OneGate.Auth.Operators;

/// <summary>An operator as the back office shows it (never its password hash or TOTP secret).</summary>
public sealed record OperatorResponse(int Id, string Username, IReadOnlyList<string> Roles, bool IsActive, DateTimeOffset CreatedAt, int? CreatedBy)
{
    public static OperatorResponse From(Operator op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return new OperatorResponse(op.Id, op.Username, op.Roles, op.IsActive, op.CreatedAt, op.CreatedBy);
    }
}
