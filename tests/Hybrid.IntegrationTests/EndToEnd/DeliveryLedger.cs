using Hybrid.Edge.Store;
using Hybrid.IntegrationTests.Uplink;

namespace Hybrid.IntegrationTests.EndToEnd;

/// <summary>
/// A stretch of one lane a fault may have touched for one sink: seqs after the sink's durable cursor when the round
/// began, up to the head once the pipeline had recovered from it.
/// </summary>
internal sealed record FaultWindow(ChaosFault Cause, string Sink, Lane Lane, long After, long Through)
{
    public bool Contains(Lane lane, long seq) => lane == Lane && seq > After && seq <= Through;
}

/// <summary>
/// What one channel (the queues, or the MQTT topic) delivered against every reading the store wrote, by
/// <c>(device, epoch, seq)</c>: readings missing, readings seen more than once (with their extra copies) and
/// readings of an epoch the store does not have.
/// </summary>
internal sealed class DeliveryLedger
{
    private DeliveryLedger(string channel, IReadOnlyList<(Lane Lane, long Seq)> missing, IReadOnlyDictionary<(Lane Lane, long Seq), int> extraCopies, int unexpected, int seen)
    {
        Channel = channel;
        Missing = missing;
        ExtraCopies = extraCopies;
        Unexpected = unexpected;
        Seen = seen;
    }

    public string Channel { get; }

    public IReadOnlyList<(Lane Lane, long Seq)> Missing { get; }

    /// <summary>Each reading seen more than once, with the number of copies beyond the first.</summary>
    public IReadOnlyDictionary<(Lane Lane, long Seq), int> ExtraCopies { get; }

    public int Duplicates => ExtraCopies.Values.Sum();

    /// <summary>Items of an epoch the store never had, or with a seq above its head.</summary>
    public int Unexpected { get; }

    /// <summary>Items read, copies included.</summary>
    public int Seen { get; }

    /// <summary>Compares what <paramref name="observed"/> holds with seqs 1..head of each lane of <paramref name="store"/>.</summary>
    public static DeliveryLedger Count(string channel, PipelineProgress store, IEnumerable<(string Epoch, long Seq)> observed)
    {
        var lanes = store.Epochs.ToDictionary(e => e.Value, e => e.Key, StringComparer.Ordinal);
        var copies = new Dictionary<(Lane, long), int>();
        int unexpected = 0, seen = 0;
        foreach (var (epoch, seq) in observed)
        {
            seen++;
            if (lanes.TryGetValue(epoch, out var lane) && seq >= 1 && seq <= store.Heads[lane])
            {
                copies[(lane, seq)] = copies.GetValueOrDefault((lane, seq)) + 1;
            }
            else
            {
                unexpected++;
            }
        }

        var missing = StoreSnapshot.Lanes
            .SelectMany(lane => LongRange(1, store.Heads[lane]).Select(seq => (lane, seq)))
            .Where(key => !copies.ContainsKey(key))
            .ToList();
        return new DeliveryLedger(channel, missing, copies.Where(c => c.Value > 1).ToDictionary(c => c.Key, c => c.Value - 1), unexpected, seen);
    }

    /// <summary>The <paramref name="keys"/> no window of <paramref name="causes"/> for <paramref name="sink"/> contains.</summary>
    public static List<(Lane Lane, long Seq)> Unexplained(IEnumerable<(Lane Lane, long Seq)> keys, IEnumerable<FaultWindow> windows, string sink, params ChaosFault[] causes)
    {
        var allowed = windows.Where(w => w.Sink == sink && causes.Contains(w.Cause)).ToList();
        return [.. keys.Where(k => !allowed.Exists(w => w.Contains(k.Lane, k.Seq)))];
    }

    /// <summary>Extra copies per cause: the first window of <paramref name="sink"/> that contains the reading.</summary>
    public string DuplicatesByCause(IEnumerable<FaultWindow> windows, string sink)
    {
        var own = windows.Where(w => w.Sink == sink).ToList();
        var byCause = ExtraCopies
            .GroupBy(c => own.Find(w => w.Contains(c.Key.Lane, c.Key.Seq))?.Cause.ToString() ?? "no fault")
            .Select(g => $"{g.Key} {g.Sum(c => c.Value)}");
        return Duplicates == 0 ? "none" : string.Join(", ", byCause);
    }

    public override string ToString() =>
        $"{Channel}: {Seen} items seen, missing {Missing.Count} {Ranges(Missing)}, duplicates {Duplicates} of {ExtraCopies.Count} readings {Ranges(ExtraCopies.Keys)}, unexpected {Unexpected}";

    /// <summary>Readings as runs of consecutive seqs per lane, e.g. <c>[Normal 12-40, High 7]</c> (at most ten runs).</summary>
    public static string Ranges(IEnumerable<(Lane Lane, long Seq)> keys)
    {
        var runs = new List<(Lane Lane, long From, long To)>();
        foreach (var (lane, seq) in keys.OrderBy(k => k.Lane).ThenBy(k => k.Seq))
        {
            if (runs.Count > 0 && runs[^1].Lane == lane && runs[^1].To == seq - 1)
            {
                runs[^1] = runs[^1] with { To = seq };
            }
            else
            {
                runs.Add((lane, seq, seq));
            }
        }

        var shown = runs.Take(10).Select(r => r.From == r.To ? $"{r.Lane} {r.From}" : $"{r.Lane} {r.From}-{r.To}");
        return $"[{string.Join(", ", shown)}{(runs.Count > 10 ? $", … {runs.Count - 10} more runs" : "")}]";
    }

    private static IEnumerable<long> LongRange(long from, long to)
    {
        for (var i = from; i <= to; i++)
        {
            yield return i;
        }
    }
}
