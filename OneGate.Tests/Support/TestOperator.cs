namespace OneGate.Tests.Support;

/// <summary>
/// A back-office operator created for a test and, after login, its operator token. Copies made with <c>with</c>
/// share <see cref="Clock"/>, so logins of one operator never reuse a TOTP code.
/// </summary>
public sealed record TestOperator(int Id, string Username, string Password, byte[] TotpSecret, IReadOnlyList<string> Roles, TotpClock Clock)
{
    public string? AccessToken { get; init; }

    /// <summary>A request to a service with this operator's token.</summary>
    public HttpRequestMessage Authorized(HttpMethod method, string path, object? body = null) => BearerRequest.Of(AccessToken, method, path, body);
}
