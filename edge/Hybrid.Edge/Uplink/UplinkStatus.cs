using System.Globalization;
using System.Text;
using System.Text.Json;
using Hybrid.Edge.Sinks;
using Polly.CircuitBreaker;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// The uplink's counters and state for the stats line and the health message: items sent and acknowledged,
/// duplicates the Function reported, dead letters, retries, the circuit breaker, the hold reason and the last error.
/// Written by the uplink's one loop, read from any thread.
/// </summary>
internal sealed class UplinkStatus : ISinkStatus
{
    private long _sent;
    private long _acknowledged;
    private long _accepted;
    private long _duplicates;
    private long _deadLettered;
    private long _batches;
    private long _retries;
    private long _splits;
    private string? _held;
    private string? _lastError;

    private CircuitBreakerStateProvider? _breaker;

    public string Sink => UplinkService.SinkName;

    /// <summary>Items posted, every attempt counted.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Items the Function answered for with a 200 (accepted, duplicate or rejected).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Items the Function enqueued.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Items the Function had already enqueued earlier (a resend).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Items dead-lettered because the Function refused them for good.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Batches settled.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Attempts retried after a transient failure.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Batches split after a 413 or 400.</summary>
    public long Splits => Interlocked.Read(ref _splits);

    /// <summary>Why the uplink holds (wrong key, wrong URL), or null while it forwards.</summary>
    public string? Held => Volatile.Read(ref _held);

    /// <summary>The last failure, or null.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>The breaker state as shown to people: <c>closed</c>, <c>open</c>, <c>half-open</c>.</summary>
    /// <summary>The current pipeline's breaker state (closed before the first pipeline).</summary>
    public CircuitState Breaker => Volatile.Read(ref _breaker)?.CircuitState ?? CircuitState.Closed;

    public string BreakerState => Breaker switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half-open",
        CircuitState.Isolated => "isolated",
        _ => "unknown",
    };

    /// <summary>
    /// A provider for a new pipeline's breaker, published as the one to report. Polly attaches a provider to one
    /// breaker only, and a supervised restart builds a new pipeline.
    /// </summary>
    internal CircuitBreakerStateProvider NewBreaker()
    {
        var provider = new CircuitBreakerStateProvider();
        Volatile.Write(ref _breaker, provider);
        return provider;
    }

    internal void AddSent(int count) => Interlocked.Add(ref _sent, count);

    internal void AddSettled(int accepted, int duplicates, int rejected)
    {
        Interlocked.Add(ref _acknowledged, accepted + duplicates + rejected);
        Interlocked.Add(ref _accepted, accepted);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Increment(ref _batches);
    }

    internal void AddDeadLettered(int count) => Interlocked.Add(ref _deadLettered, count);

    internal void AddRetry() => Interlocked.Increment(ref _retries);

    internal void AddSplit() => Interlocked.Increment(ref _splits);

    internal void SetHeld(string? reason) => Volatile.Write(ref _held, reason);

    internal void SetLastError(string? error) => Volatile.Write(ref _lastError, error);

    public void AppendTo(StringBuilder line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line.Append(CultureInfo.InvariantCulture,
            $"sent {Sent} acked {Acknowledged} accepted {Accepted} duplicates {Duplicates} dead-lettered {DeadLettered} retries {Retries} breaker {BreakerState}");
        if (Held is { } held)
        {
            line.Append(CultureInfo.InvariantCulture, $" HELD ({held})");
        }

        if (LastError is { } error)
        {
            line.Append(CultureInfo.InvariantCulture, $" last-error \"{error}\"");
        }
    }

    public void WriteTo(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteNumber("sent"u8, Sent);
        json.WriteNumber("acknowledged"u8, Acknowledged);
        json.WriteNumber("accepted"u8, Accepted);
        json.WriteNumber("duplicates"u8, Duplicates);
        json.WriteNumber("deadLettered"u8, DeadLettered);
        json.WriteNumber("batches"u8, Batches);
        json.WriteNumber("retries"u8, Retries);
        json.WriteNumber("splits"u8, Splits);
        json.WriteString("breaker"u8, BreakerState);
        if (Held is { } held)
        {
            json.WriteString("held"u8, held);
        }

        if (LastError is { } error)
        {
            json.WriteString("lastError"u8, error);
        }
    }
}
