using System.Text.Json;

namespace Hybrid.IntegrationTests.EndToEnd;

/// <summary>
/// The independent MQTT reader's side: the <c>(epoch, seq)</c> of every reading of one device that
/// <c>mosquitto_sub -v</c> printed (topic, a space, the payload); status, health and other lines are skipped.
/// </summary>
internal static class MqttTopicReader
{
    public static List<(string Epoch, long Seq)> Readings(string subscriberOutput, string device)
    {
        var readings = new List<(string, long)>();
        foreach (var line in subscriberOutput.Split('\n'))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !line.AsSpan(space + 1).StartsWith("{") || !line.Contains("\"seq\":", StringComparison.Ordinal))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line.AsMemory(space + 1));
            var root = json.RootElement;
            if (root.TryGetProperty("device", out var id) && id.GetString() == device)
            {
                readings.Add((root.GetProperty("epoch").GetString()!, root.GetProperty("seq").GetInt64()));
            }
        }

        return readings;
    }

    /// <summary>Whether the subscriber printed a reading after the first <paramref name="offset"/> characters of its output.</summary>
    public static bool ReadingAfter(string subscriberOutput, int offset) =>
        subscriberOutput.Length > offset && subscriberOutput.IndexOf("\"seq\":", offset, StringComparison.Ordinal) >= 0;
}
