using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// The claim protocol on the <c>(device, epoch)</c> entity, every write conditional on the ETag read just before:
/// <list type="number">
/// <item>read; the entity's <see cref="DeliveryLedger"/> says which of the batch's seqs are new; none → no write;</item>
/// <item>if another claim is live, the caller answers 409 (one claim per device and epoch: the ledger may only take
/// in seqs that are all enqueued);</item>
/// <item>otherwise write <c>(ledger, claimId, claimSeqs = the new seqs, expires = now + ClaimDuration)</c>; an
/// expired claim is simply overwritten (taken over);</item>
/// <item>after every message is sent, write <c>(ledger + the new seqs, settled through the sender's
/// settledThrough, no claim)</c>. If that write loses because our claim expired and was taken over, the items are
/// enqueued all the same; they are merged into whatever the entity holds now (never removed).</item>
/// </list>
/// A lost race on a write re-reads and tries again a few times, then reports Busy.
/// <para>
/// The one cache: the entity this instance last wrote or read without a claim, with its ETag. It serves two fast paths: a batch whose every
/// seq that ledger already has is answered without a read (a ledger only ever gains seqs), and the claim write is
/// made against the remembered ETag, which succeeds only if nobody wrote since (on 412 the request simply reads).
/// A remembered entry never holds a claim; claims are always read fresh.
/// </para>
/// </summary>
internal sealed class WatermarkCoordinator(IWatermarkStore store, IOptions<IngestOptions> options, TimeProvider time, ILogger<WatermarkCoordinator> logger)
{
    private const int MaxAttempts = 5;

    private readonly ConcurrentDictionary<(string Device, string Epoch), WatermarkEntry> _lastWritten = new();

    private LedgerLimits Limits => new(options.Value.MaxDeliveredRanges, options.Value.MaxClosedGaps);

    /// <summary>
    /// Claims the seqs of <paramref name="seqs"/> (ascending) that the entity's ledger does not hold yet. Covered (no
    /// storage call when the remembered ledger already holds them all), Claimed, or Busy.
    /// </summary>
    public async Task<Claim> ClaimAsync(string device, string epoch, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        if (_lastWritten.TryGetValue((device, epoch), out var remembered) && NewSeqs(remembered.State.Ledger, seqs).Count == 0)
        {
            return Claim.Covered(remembered.State.Ledger);
        }

        Claim? busy = null;

        // One id for every attempt: when a write succeeded but its answer was lost (the storage client retried it and
        // got 409/412), the re-read shows our own claim, which is then ours to use rather than a rival's.
        var claimId = Guid.NewGuid().ToString("N");
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entry = attempt == 0 && remembered is not null
                ? remembered
                : await store.GetAsync(device, epoch, cancellationToken).ConfigureAwait(false);
            var state = entry?.State ?? WatermarkState.Empty;
            var newSeqs = NewSeqs(state.Ledger, seqs);
            if (newSeqs.Count == 0)
            {
                if (entry is not null && state.ClaimId is null)
                {
                    // Read fresh: a resend of this batch is then answered without a read.
                    Remember(device, epoch, entry);
                }

                return Claim.Covered(state.Ledger);
            }

            if (entry is not null && state.ClaimId == claimId)
            {
                return new Claim(ClaimOutcome.Claimed, state.Ledger, claimId, state.ClaimSeqs, state.ClaimExpires, entry.ETag);
            }

            var now = time.GetUtcNow();
            if (state.ClaimId is not null && state.ClaimExpires is { } expires)
            {
                if (expires > now)
                {
                    return new Claim(ClaimOutcome.Busy, state.Ledger, null, state.ClaimSeqs, expires, null);
                }

                Log.ClaimTakenOver(logger, device, epoch, state.ClaimId, state.Watermark, Describe(state.ClaimSeqs), expires);
            }

            var claimExpires = now + options.Value.ClaimDuration;
            var claimed = state with { ClaimId = claimId, ClaimSeqs = newSeqs, ClaimExpires = claimExpires };
            var result = entry is null
                ? await store.TryInsertAsync(device, epoch, claimed, cancellationToken).ConfigureAwait(false)
                : await store.TryReplaceAsync(device, epoch, claimed, entry.ETag, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == WriteOutcome.Success)
            {
                return new Claim(ClaimOutcome.Claimed, state.Ledger, claimId, newSeqs, claimExpires, result.ETag);
            }

            // Another instance wrote between our read (or our last write) and this write: read again and decide afresh.
            _lastWritten.TryRemove((device, epoch), out _);
            remembered = null;
            busy = new Claim(ClaimOutcome.Busy, state.Ledger, null, newSeqs, now + options.Value.ConflictRetryAfter, null);
        }

        return busy!;
    }

    /// <summary>
    /// Everything <paramref name="claim"/> covers is enqueued: the ledger takes the claimed seqs in, is settled through
    /// <paramref name="settledThrough"/> (the sender's word; 0 for none), and our claim is dropped.
    /// </summary>
    /// <returns>The ledger now stored and the gaps this change closed.</returns>
    public Task<(DeliveryLedger Ledger, GapClosure Closed)> CompleteAsync(string device, string epoch, Claim claim, long settledThrough, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return RecordAsync(device, epoch, claim, claim.Seqs, settledThrough, cancellationToken);
    }

    /// <summary>
    /// Sending failed part-way: record the seqs known to be enqueued (<paramref name="enqueued"/>) and drop our claim so
    /// a retry need not wait for it to expire. Best effort: if storage is down the claim simply expires.
    /// </summary>
    public async Task ReleaseAsync(string device, string epoch, Claim claim, IReadOnlyList<SeqRange> enqueued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        try
        {
            await RecordAsync(device, epoch, claim, enqueued, 0, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageUnavailableException.IsOutage(ex))
        {
            Log.ReleaseFailed(logger, device, epoch, claim.ClaimId!, ex.Message);
        }
    }

    /// <summary>The seqs of ascending <paramref name="seqs"/> that <paramref name="ledger"/> calls new, as ranges.</summary>
    private static List<SeqRange> NewSeqs(DeliveryLedger ledger, IEnumerable<long> seqs) =>
        SeqRange.Of(seqs.Where(seq => ledger.StateOf(seq) == SeqState.New));

    private static string Describe(IReadOnlyList<SeqRange> ranges) => string.Join(',', ranges);

    private async Task<(DeliveryLedger, GapClosure)> RecordAsync(string device, string epoch, Claim claim, IReadOnlyList<SeqRange> enqueued, long settledThrough, CancellationToken cancellationToken)
    {
        var limits = Limits;
        var ledger = claim.Ledger.Deliver(enqueued, limits, out var delivered).SettleThrough(settledThrough, limits, out var settled);
        var completed = WatermarkState.Settled(ledger);
        var result = await store.TryReplaceAsync(device, epoch, completed, claim.ETag!, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == WriteOutcome.Success)
        {
            Remember(device, epoch, new WatermarkEntry(completed, result.ETag!));
            return (ledger, Sum(delivered, settled));
        }

        // Our claim expired and another request took it over: it may be re-sending some of our seqs (the at-least-once
        // edge case that ClaimDuration, and stopping sends at 80 % of it, make rare). Ours are all enqueued, so merging
        // them into what the entity holds now is safe and spares later requests; the other claim's fields stay.
        Log.ClaimLost(logger, device, epoch, claim.ClaimId!, claim.Ledger.Watermark, Describe(enqueued));
        return await MergeAsync(device, epoch, enqueued, settledThrough, claim.ClaimId, cancellationToken).ConfigureAwait(false)
            ?? (ledger, Sum(delivered, settled));
    }

    /// <summary>Merges <paramref name="enqueued"/> into the stored ledger, dropping the claim if it is still ours; null if every attempt lost its race.</summary>
    private async Task<(DeliveryLedger, GapClosure)?> MergeAsync(string device, string epoch, IReadOnlyList<SeqRange> enqueued, long settledThrough, string? ourClaimId, CancellationToken cancellationToken)
    {
        var limits = Limits;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entry = await store.GetAsync(device, epoch, cancellationToken).ConfigureAwait(false);
            var current = entry?.State ?? WatermarkState.Empty;
            var ledger = current.Ledger.Deliver(Unheld(current.Ledger, enqueued), limits, out var delivered).SettleThrough(settledThrough, limits, out var settled);
            var ours = ourClaimId is not null && current.ClaimId == ourClaimId;

            // Another request's claim stays as it is: it may still be sending, and completes or expires on its own.
            var state = ours || current.ClaimId is null ? WatermarkState.Settled(ledger) : current with { Ledger = ledger };
            var written = entry is null
                ? await store.TryInsertAsync(device, epoch, state, cancellationToken).ConfigureAwait(false)
                : await store.TryReplaceAsync(device, epoch, state, entry.ETag, cancellationToken).ConfigureAwait(false);
            if (written.Outcome == WriteOutcome.Success)
            {
                return (ledger, Sum(delivered, settled));
            }
        }

        Log.MergeGaveUp(logger, device, epoch, Describe(enqueued));
        return null;
    }

    /// <summary>The part of <paramref name="ranges"/> that <paramref name="ledger"/> does not hold yet.</summary>
    private static List<SeqRange> Unheld(DeliveryLedger ledger, IReadOnlyList<SeqRange> ranges) =>
        NewSeqs(ledger, ranges.SelectMany(r => Enumerable.Range(0, (int)r.Count).Select(i => r.First + i)));

    private static GapClosure Sum(GapClosure a, GapClosure b) => new(a.Gaps + b.Gaps, a.Seqs + b.Seqs);

    private void Remember(string device, string epoch, WatermarkEntry entry)
    {
        var capacity = options.Value.WatermarkCacheSize;
        if (capacity == 0)
        {
            return;
        }

        if (_lastWritten.Count >= capacity)
        {
            // Crude but bounded: a full cache starts over; it is only a fast path.
            _lastWritten.Clear();
        }

        _lastWritten[(device, epoch)] = entry;
    }
}
