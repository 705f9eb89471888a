using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hybrid.Testing;

/// <summary>One log entry as an operator would see it: level, event id and the formatted message.</summary>
public sealed record LogEntry(LogLevel Level, int Id, string Message);

/// <summary>Keeps every log entry so tests can assert on what an operator would see (and count retries, failures).</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public void Clear() => Entries.Clear();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception)));
    }
}
