using OneGate.Transaction.Data;

namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>Endpoint metadata: the permission a regulator key needs for this endpoint.</summary>
public sealed record RequiredApiPermission(ApiPermission Permission);
