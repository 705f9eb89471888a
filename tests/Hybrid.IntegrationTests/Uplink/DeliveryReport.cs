using Hybrid.Edge.Store;
using Hybrid.IntegrationTests.Ingest;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>
/// What the queues hold against what the store wrote, by <c>(device, epoch, seq)</c>: readings missing, readings
/// queued more than once (extra copies counted), and queued readings the store never wrote.
/// </summary>
internal sealed record DeliveryReport(IReadOnlyList<(string Epoch, long Seq)> Missing, int Duplicates, IReadOnlyList<(string Epoch, long Seq)> Unexpected)
{
    public static DeliveryReport Compare(IEnumerable<(Lane Lane, string Epoch, long Seq)> written, IEnumerable<QueuedItem> queued)
    {
        var expected = written.Select(w => (w.Epoch, w.Seq)).ToHashSet();
        var copies = queued.GroupBy(q => (q.Epoch, q.Seq)).ToDictionary(g => g.Key, g => g.Count());
        return new DeliveryReport(
            [.. expected.Where(e => !copies.ContainsKey(e)).Order()],
            copies.Values.Sum(c => c - 1),
            [.. copies.Keys.Where(k => !expected.Contains(k)).Order()]);
    }

    public override string ToString() =>
        $"missing {Missing.Count} (e.g. {string.Join(", ", Missing.Take(5))}), duplicates {Duplicates}, unexpected {Unexpected.Count} (e.g. {string.Join(", ", Unexpected.Take(5))})";
}
