using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using OneGate.Auth.Clients;
using OneGate.Auth.Data;
using StackExchange.Redis;

namespace OneGate.Auth.Audit;

/// <summary>
/// Users' security events, as rows of the audit trail (<see cref="AuditTrail"/>) and as structured logs (category
/// <c>OneGate.Auth.Audit</c>). They carry ids, never passwords, tokens or the login identifier someone typed (people
/// type passwords into it). Events of a change are appended inside the change's transaction; refusals (a failed or
/// throttled login) are their own transaction and are not cancelled with the request, so aborting the request does
/// not erase the record of the attempt.
/// </summary>
public sealed partial class AuthAudit(
    ILoggerFactory loggerFactory, AuthDbContext db, AuditTrail trail, IHttpContextAccessor http, IConnectionMultiplexer redis)
{
    private const string UserTarget = "user";
    private const string SessionTarget = "session";

    private readonly ILogger logger = loggerFactory.CreateLogger("OneGate.Auth.Audit");

    private string? ClientAddress => http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>In the transaction that inserts the user.</summary>
    public async Task RegisteredAsync(User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = Id(user.Id);
        await trail.AppendAsync(db, new AuditEntry(AuditActions.UserRegister, AuditActorType.User)
        {
            ActorId = id, TargetType = UserTarget, TargetId = id, ClientAddress = ClientAddress,
            After = JsonSerializer.Serialize(new { userId = user.Id, username = user.Username, status = user.IsActive ? "ACTIVE" : "INACTIVE" }),
        }, cancellationToken);
        LogRegistered(logger, user.Id);
    }

    /// <summary>In the transaction that stores the session's first refresh token.</summary>
    public async Task LoginSucceededAsync(int userId, Guid sessionId, CancellationToken cancellationToken)
    {
        await trail.AppendAsync(db, new AuditEntry(AuditActions.UserLoginSuccess, AuditActorType.User)
        {
            ActorId = Id(userId), TargetType = SessionTarget, TargetId = sessionId.ToString(), ClientAddress = ClientAddress,
        }, cancellationToken);
        LogLoginSucceeded(logger, userId, sessionId, ClientAddress);
    }

    public async Task LoginFailedAsync(int? userId)
    {
        await trail.AppendAsync(db, new AuditEntry(AuditActions.UserLoginFailure, AuditActorType.Anonymous)
        {
            TargetType = userId is null ? null : UserTarget, TargetId = userId is { } id ? Id(id) : null, ClientAddress = ClientAddress,
        }, CancellationToken.None);
        LogLoginFailed(logger, userId, ClientAddress);
    }

    /// <summary>
    /// A refused attempt. The row names the client (its throttle key: the address, or an IPv6 /64), not the
    /// identifier: even hashed, an identifier is guessable (phone numbers are few), and this store cannot forget; the
    /// log line names the identifier's hashed key for the operators following an attack. Recorded once per client
    /// while the refusal lasts: a flood of refusals, whatever identifiers it names, stays cheap Redis work instead of
    /// one serialised trail append each. Refusing is the safe answer, so failing to record it (database down) is
    /// logged and the client still gets its 429.
    /// </summary>
    /// <param name="action">The users' throttle event, or the operators' (<see cref="AuditActions.OperatorLoginThrottled"/>),
    /// each recorded once per client while its refusal lasts.</param>
    public async Task LoginThrottledAsync(string identifierKey, int retryAfterSeconds, string action = AuditActions.UserLoginThrottled)
    {
        LogLoginThrottled(logger, identifierKey, ClientAddress, retryAfterSeconds);
        var client = ClientKey.Of(http.HttpContext?.Connection.RemoteIpAddress);
        try
        {
            var marker = action == AuditActions.UserLoginThrottled ? "audited" : "audited-operator";
            var firstOfItsWindow = await redis.GetDatabase().StringSetAsync($"onegate:login-attempts:{marker}:{client}", 1,
                TimeSpan.FromSeconds(Math.Max(1, retryAfterSeconds)), When.NotExists);
            if (firstOfItsWindow)
            {
                await trail.AppendAsync(db, new AuditEntry(action, AuditActorType.Anonymous)
                {
                    TargetType = "login-client", TargetId = client, ClientAddress = ClientAddress,
                }, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is RedisException or DbException or TimeoutException or InvalidOperationException)
        {
            LogThrottleNotRecorded(logger, e, identifierKey);
        }
    }

    public void Refreshed(int userId, Guid sessionId) => LogRefreshed(logger, userId, sessionId);

    /// <summary>In the transaction that revokes the user's refresh tokens.</summary>
    public async Task RefreshReuseDetectedAsync(int userId, Guid sessionId, int sessionsRevoked, CancellationToken cancellationToken)
    {
        await trail.AppendAsync(db, new AuditEntry(AuditActions.UserRefreshReuse, AuditActorType.User)
        {
            ActorId = Id(userId), TargetType = SessionTarget, TargetId = sessionId.ToString(), ClientAddress = ClientAddress,
            After = JsonSerializer.Serialize(new { sessionsRevoked }),
        }, cancellationToken);
        LogReuse(logger, userId, sessionId, sessionsRevoked);
    }

    /// <summary>In the transaction that revokes the session's refresh tokens.</summary>
    public async Task LoggedOutAsync(int userId, Guid sessionId, CancellationToken cancellationToken)
    {
        await trail.AppendAsync(db, new AuditEntry(AuditActions.UserLogout, AuditActorType.User)
        {
            ActorId = Id(userId), TargetType = SessionTarget, TargetId = sessionId.ToString(), ClientAddress = ClientAddress,
        }, cancellationToken);
        LogLoggedOut(logger, userId, sessionId);
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(1001, LogLevel.Information, "audit register user={UserId}")]
    private static partial void LogRegistered(ILogger logger, int userId);

    [LoggerMessage(1002, LogLevel.Information, "audit login.success user={UserId} session={SessionId} ip={Ip}")]
    private static partial void LogLoginSucceeded(ILogger logger, int userId, Guid sessionId, string? ip);

    [LoggerMessage(1003, LogLevel.Warning, "audit login.failure user={UserId} ip={Ip}")]
    private static partial void LogLoginFailed(ILogger logger, int? userId, string? ip);

    [LoggerMessage(1004, LogLevel.Warning, "audit login.throttled identifier={IdentifierKey} ip={Ip} retryAfter={RetryAfterSeconds}s")]
    private static partial void LogLoginThrottled(ILogger logger, string identifierKey, string? ip, int retryAfterSeconds);

    [LoggerMessage(1020, LogLevel.Error, "audit login.throttled for identifier={IdentifierKey} not recorded in the trail")]
    private static partial void LogThrottleNotRecorded(ILogger logger, Exception exception, string identifierKey);

    [LoggerMessage(1005, LogLevel.Information, "audit refresh user={UserId} session={SessionId}")]
    private static partial void LogRefreshed(ILogger logger, int userId, Guid sessionId);

    [LoggerMessage(1006, LogLevel.Warning, "audit refresh.reuse user={UserId} session={SessionId} sessionsRevoked={SessionsRevoked}")]
    private static partial void LogReuse(ILogger logger, int userId, Guid sessionId, int sessionsRevoked);

    [LoggerMessage(1007, LogLevel.Information, "audit logout user={UserId} session={SessionId}")]
    private static partial void LogLoggedOut(ILogger logger, int userId, Guid sessionId);
}
