using System.Text.Json;

namespace Hybrid.Demo.Watch;

/// <summary>Reads the running agent's <c>GET /status</c> (the JSON of <c>hybrid-edge status --json</c>).</summary>
internal sealed class AgentStatusClient(HttpClient http)
{
    /// <summary>Drops that happen before a reading gets a seq; the others remove stored readings.</summary>
    private static readonly string[] BeforeStoreReasons = ["channel-full", "stopped"];

    /// <summary>The agent's state, or null while it does not answer.</summary>
    public async Task<AgentSnapshot?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/status", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
                return Parse(document.RootElement);
            }
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The request timed out: an agent too busy to answer is shown as not answering.
            return null;
        }
    }

    internal static AgentSnapshot Parse(JsonElement root)
    {
        var store = root.GetProperty("store");
        var lanes = store.GetProperty("lanes").EnumerateArray()
            .Select(l => new LaneSnapshot(l.GetProperty("lane").GetString()!, l.GetProperty("epoch").GetString()!, l.GetProperty("headSeq").GetInt64()))
            .ToList();
        var sinks = store.GetProperty("sinks").EnumerateArray()
            .Select(s => new SinkSnapshot(s.GetProperty("sink").GetString()!, s.GetProperty("backlog").GetInt64(), s.GetProperty("deadLetters").GetInt64()))
            .ToList();
        long dropped = 0, beforeStore = 0;
        foreach (var reason in store.GetProperty("dropped").EnumerateObject())
        {
            dropped += reason.Value.GetInt64();
            beforeStore += BeforeStoreReasons.Contains(reason.Name) ? reason.Value.GetInt64() : 0;
        }

        var mqtt = root.TryGetProperty("mqtt", out var m) ? m : default;
        var uplink = root.GetProperty("uplink");
        return new AgentSnapshot(
            lanes,
            sinks,
            dropped,
            beforeStore,
            mqtt.ValueKind == JsonValueKind.Object ? mqtt.GetProperty("connection").GetString()! : "off",
            mqtt.ValueKind == JsonValueKind.Object ? mqtt.GetProperty("acknowledged").GetInt64() : 0,
            new UplinkSnapshot(
                uplink.GetProperty("breaker").GetString()!,
                uplink.TryGetProperty("held", out var held) ? held.GetString() : null,
                uplink.TryGetProperty("lastError", out var error) ? error.GetString() : null,
                uplink.GetProperty("sent").GetInt64(),
                uplink.GetProperty("acknowledged").GetInt64(),
                uplink.GetProperty("duplicates").GetInt64(),
                uplink.GetProperty("retries").GetInt64()));
    }
}
