namespace OneGate.ServiceDefaults.Auth;

/// <summary>
/// The Redis key of a login session. Auth writes it at login and deletes it at logout; every service
/// checks it on each request, so a logged-out access token stops working at once everywhere.
/// </summary>
public static class SessionKeys
{
    public static string For(string sessionId) => $"onegate:session:{sessionId}";
}
