using System.Globalization;
using Hybrid.QueueReader.Messages;

namespace Hybrid.Demo.Watch;

/// <summary>
/// Compares what the agent wrote — seqs 1..head of each lane's epoch at the cut — with the <c>(device, epoch, seq)</c>
/// read from the queues. What the store dropped by policy is counted by the agent and not called missing.
/// </summary>
internal sealed class CompletenessCheck(string device, AgentSnapshot cut, DeliveryLedger ledger)
{
    /// <summary>Readings up to the cut that no queue has delivered yet.</summary>
    public long Unseen() => cut.Lanes.Sum(lane =>
    {
        long unseen = 0;
        for (var seq = 1L; seq <= lane.HeadSeq; seq++)
        {
            unseen += ledger.Contains(new ItemKey(device, lane.Epoch, seq)) ? 0 : 1;
        }

        return unseen;
    });

    /// <summary>Unseen readings the agent did not count as dropped.</summary>
    public long Missing() => Math.Max(0, Unseen() - (cut.Dropped - cut.DroppedBeforeStore));

    /// <summary>Waits until every reading up to the cut arrived, or <paramref name="timeout"/> passed; true when complete.</summary>
    public async Task<bool> WaitAsync(Func<CancellationToken, Task> readQueues, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readQueues);
        var started = time.GetTimestamp();
        while (true)
        {
            await readQueues(cancellationToken).ConfigureAwait(false);
            if (Missing() == 0)
            {
                return true;
            }

            if (time.GetElapsedTime(started) > timeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The one-line summary: captured, delivered per queue, duplicates, dropped, missing (or still in flight after Ctrl+C).</summary>
    public string Summary(IEnumerable<string> queues, bool interrupted)
    {
        var heads = cut.Lanes.ToDictionary(l => l.Epoch, l => l.HeadSeq, StringComparer.Ordinal);
        bool UpToCut(ItemKey key) => key.Device == device && heads.TryGetValue(key.Epoch, out var head) && key.Seq <= head;
        var delivered = string.Join(", ", queues.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q} {ledger.Arrived(q, UpToCut)}")));
        var missing = Missing();
        return string.Create(CultureInfo.InvariantCulture,
            $"summary: captured {cut.Captured}, delivered {delivered}, duplicates {ledger.Duplicates}, dropped {cut.Dropped}, ") +
            (interrupted ? string.Create(CultureInfo.InvariantCulture, $"in flight {missing} (interrupted: they wait in the store)") : string.Create(CultureInfo.InvariantCulture, $"missing {missing}"));
    }
}
