using System.Text.Json;

namespace Hybrid.Contracts;

/// <summary>One reading as it travels on the wire (the store's envelope).</summary>
public sealed class WireReading
{
    /// <summary>Per-lane, strictly increasing sequence number (&gt; 0).</summary>
    public required long Seq { get; init; }

    /// <summary>Reading type such as <c>telemetry.temperature</c>, <c>[a-z0-9._-]{1,128}</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Capture time, UTC with millisecond precision.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <summary>The capture source that produced the reading (e.g. <c>simulated</c>, <c>mqtt</c>).</summary>
    public required string Source { get; init; }

    /// <summary>Optional key, e.g. a MAC address or sensor id.</summary>
    public string? Key { get; init; }

    /// <summary>The reading's JSON payload, kept verbatim.</summary>
    public required JsonElement Payload { get; init; }
}
