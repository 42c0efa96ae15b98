namespace OneGate.Auth.Audit;

/// <summary>
/// Security-relevant events as structured logs (category <c>OneGate.Auth.Audit</c>). They carry ids,
/// never passwords, tokens or the login identifier someone typed (people type passwords into it).
/// </summary>
public sealed partial class AuthAudit(ILoggerFactory loggerFactory)
{
    private readonly ILogger logger = loggerFactory.CreateLogger("OneGate.Auth.Audit");

    public void Registered(int userId) => LogRegistered(logger, userId);

    public void LoginSucceeded(int userId, Guid sessionId, string? ip) => LogLoginSucceeded(logger, userId, sessionId, ip);

    public void LoginFailed(int? userId, string? ip) => LogLoginFailed(logger, userId, ip);

    /// <summary>A refused attempt; the identifier as its (hashed) throttle key, so operators see which one is attacked without the raw text.</summary>
    public void LoginThrottled(string identifierKey, string? ip, int retryAfterSeconds) => LogLoginThrottled(logger, identifierKey, ip, retryAfterSeconds);

    public void Refreshed(int userId, Guid sessionId) => LogRefreshed(logger, userId, sessionId);

    public void RefreshReuseDetected(int userId, Guid sessionId, int sessionsRevoked) => LogReuse(logger, userId, sessionId, sessionsRevoked);

    public void LoggedOut(int userId, Guid sessionId) => LogLoggedOut(logger, userId, sessionId);

    [LoggerMessage(1001, LogLevel.Information, "audit register user={UserId}")]
    private static partial void LogRegistered(ILogger logger, int userId);

    [LoggerMessage(1002, LogLevel.Information, "audit login.success user={UserId} session={SessionId} ip={Ip}")]
    private static partial void LogLoginSucceeded(ILogger logger, int userId, Guid sessionId, string? ip);

    [LoggerMessage(1003, LogLevel.Warning, "audit login.failure user={UserId} ip={Ip}")]
    private static partial void LogLoginFailed(ILogger logger, int? userId, string? ip);

    [LoggerMessage(1004, LogLevel.Warning, "audit login.throttled identifier={IdentifierKey} ip={Ip} retryAfter={RetryAfterSeconds}s")]
    private static partial void LogLoginThrottled(ILogger logger, string identifierKey, string? ip, int retryAfterSeconds);

    [LoggerMessage(1005, LogLevel.Information, "audit refresh user={UserId} session={SessionId}")]
    private static partial void LogRefreshed(ILogger logger, int userId, Guid sessionId);

    [LoggerMessage(1006, LogLevel.Warning, "audit refresh.reuse user={UserId} session={SessionId} sessionsRevoked={SessionsRevoked}")]
    private static partial void LogReuse(ILogger logger, int userId, Guid sessionId, int sessionsRevoked);

    [LoggerMessage(1007, LogLevel.Information, "audit logout user={UserId} session={SessionId}")]
    private static partial void LogLoggedOut(ILogger logger, int userId, Guid sessionId);
}
