namespace Hybrid.Functions.Ingest;

/// <summary>
/// A batch's seqs, enqueued and answered, waiting in memory (under the batch's still-live claim) to be recorded: by the
/// device's next claim in this instance, or on their own when <see cref="IngestOptions.RecordDelay"/> passes. Exactly
/// one of the two takes it (<see cref="TryTake"/>); whoever does completes <see cref="Recorded"/>, which a request that
/// lost the race waits for before it reads the entity.
/// </summary>
/// <param name="claim">The claim the batch was sent under; its ETag is the entity's as we last wrote it.</param>
/// <param name="ledger">The ledger with the claim's seqs taken in and settled through <paramref name="settledThrough"/>.</param>
/// <param name="settledThrough">The sender's <c>settledThrough</c> (0 for none).</param>
internal sealed class ParkedRecord(Claim claim, DeliveryLedger ledger, long settledThrough)
{
    private int _taken;

    public Claim Claim { get; } = claim;

    public DeliveryLedger Ledger { get; } = ledger;

    public long SettledThrough { get; } = settledThrough;

    /// <summary>Completed once the record is written, folded into a claim, or given up.</summary>
    public TaskCompletionSource Recorded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The timer that records it on its own; disposed by whoever takes it.</summary>
    public ITimer? Timer { get; set; }

    /// <summary>The same record, untaken and without a timer, to park again after a failed write.</summary>
    public ParkedRecord Again() => new(Claim, Ledger, SettledThrough);

    /// <summary>True for the one caller that gets to record it.</summary>
    public bool TryTake()
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0)
        {
            return false;
        }

        Timer?.Dispose();
        return true;
    }
}
