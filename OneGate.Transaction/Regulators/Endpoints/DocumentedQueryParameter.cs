namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>
/// Endpoint metadata: a query parameter the handler reads by hand (so that a malformed one is a validation problem
/// after the key check, not a binding failure before it), declared for the OpenAPI document.
/// </summary>
public sealed record DocumentedQueryParameter(string Name, string Description, bool Required = false);
