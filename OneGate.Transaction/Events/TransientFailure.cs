using Npgsql;

namespace OneGate.Transaction.Events;

/// <summary>
/// Tells a failure that says nothing about the message (the database unreachable, a session lost, a timeout,
/// a serialization failure or deadlock) from one that may be the message's own. Only the latter can make a
/// message a dead letter; the former is waited out, however long it lasts.
/// </summary>
public static class TransientFailure
{
    public static bool Is(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || IsConnectionState(pg.SqlState),
        NpgsqlException => true, // not the server's answer to a statement: the connection or its I/O failed
        TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        _ => ex.InnerException is { } inner && Is(inner),
    };

    /// <summary>
    /// Connection errors (class 08), a server shutting down or terminating the session (57P01–57P03), and
    /// conflicts that a retry resolves (40001 serialization failure, 40P01 deadlock).
    /// </summary>
    private static bool IsConnectionState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "40001" or "40P01";
}
