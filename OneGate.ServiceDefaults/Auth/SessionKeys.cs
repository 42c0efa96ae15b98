namespace OneGate.ServiceDefaults.Auth;

/// <summary>
/// The Redis key of a login session. Auth writes it at login and deletes it at logout; every service
/// checks it on each request, so a logged-out access token stops working at once everywhere.
/// </summary>
public static class SessionKeys
{
    public static string For(string sessionId) => $"onegate:session:{sessionId}";

    /// <summary>An operator's session: its lifetime is the idle timeout, renewed by each request at any service.</summary>
    public static string ForOperator(string sessionId) => $"onegate:session:operator:{sessionId}";

    /// <summary>The set of an operator's session ids (Auth only), so deactivating the operator ends them all.</summary>
    public static string OperatorIndex(int operatorId) => $"onegate:session:operators:{operatorId}";
}
