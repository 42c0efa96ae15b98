using Microsoft.Extensions.Logging;

namespace OneGate.UnitTests.Payment.Snap;

/// <summary>Every message the client logged, formatted, to check that no secret ever appears.</summary>
internal sealed class CapturedLogs
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public ILogger<T> For<T>() => new Logger<T>(this);

    private void Add(string message)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }
    }

    private sealed class Logger<T>(CapturedLogs logs) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Add(formatter(state, exception) + " " + exception?.Message);
    }
}
