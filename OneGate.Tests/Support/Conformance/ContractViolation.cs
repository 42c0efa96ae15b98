namespace OneGate.Tests.Support.Conformance;

/// <summary>
/// One place where an exchange contradicts the service's published OpenAPI document: <paramref name="Part"/> is
/// "response" or "request", <paramref name="Pointer"/> the JSON pointer into that body ("" for the whole exchange).
/// </summary>
public sealed record ContractViolation(string Service, string Operation, int Status, string Part, string Pointer, string Message)
{
    public override string ToString() => $"{Service} {Operation} -> {Status} {Part} {(Pointer.Length == 0 ? "/" : Pointer)}: {Message}";
}
