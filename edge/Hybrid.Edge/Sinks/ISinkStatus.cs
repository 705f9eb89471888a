using System.Text;
using System.Text.Json;

namespace Hybrid.Edge.Sinks;

/// <summary>
/// A sink's own state beyond what the store knows of it (cursor, backlog, dead letters): counters, connection or
/// breaker state, the last error. Registered as a singleton; shown in the stats line and the MQTT health message.
/// </summary>
internal interface ISinkStatus
{
    /// <summary>The sink's store name (<c>uplink</c>, …).</summary>
    string Sink { get; }

    /// <summary>Appends <c>key value</c> pairs for the stats line (no leading separator).</summary>
    void AppendTo(StringBuilder line);

    /// <summary>Writes the same state as JSON properties into the current object.</summary>
    void WriteTo(Utf8JsonWriter json);
}
