using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>Keeps every log event (id and formatted message) so tests can count retries and failures.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<(int Id, string Message)> _events = new();

    public IReadOnlyList<(int Id, string Message)> Events => _events.ToArray();

    public void Clear() => _events.Clear();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _events.Enqueue((eventId.Id, formatter(state, exception)));
}
