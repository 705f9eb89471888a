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
/// A lost race on a write re-reads and tries again a few times, then reports Busy. A live claim of another request is
/// waited for (re-reading at growing intervals) for up to <see cref="IngestOptions.DeviceWait"/> before Busy.
/// <para>
/// Step 4 may wait (<see cref="IngestOptions.RecordDelay"/>, see <see cref="ParkedRecord"/>): the answer goes out once
/// every message is sent, and the device's next batch in this instance makes steps 4 and 3 one write, (ledger + the
/// previous batch's seqs, a claim on its own new seqs). A device sending back to back then costs one Table write per
/// batch, and that write runs while the batch is sent (<see cref="Claim.Confirmation"/>): the parked claim is ours and
/// live, so no other request of the device can send meanwhile. The claim stays live while parked, so other instances
/// wait for the record (see above).
/// </para>
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

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>How often parked seqs are tried again while storage is down.</summary>
    private static readonly TimeSpan ParkedRetry = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string Device, string Epoch), WatermarkEntry> _lastWritten = new();
    private readonly ConcurrentDictionary<(string Device, string Epoch), ParkedRecord> _parked = new();

    private LedgerLimits Limits => new(options.Value.MaxDeliveredRanges, options.Value.MaxClosedGaps);

    /// <summary>
    /// Claims the seqs of <paramref name="seqs"/> (ascending) that the entity's ledger does not hold yet. Covered (no
    /// storage call when the remembered or parked ledger already holds them all), Claimed, or Busy.
    /// </summary>
    public async Task<Claim> ClaimAsync(string device, string epoch, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        var key = (device, epoch);

        // One id for every attempt: when a write succeeded but its answer was lost (the storage client retried it and
        // got 409/412), the re-read shows our own claim, which is then ours to use rather than a rival's.
        var claimId = Guid.NewGuid().ToString("N");
        if (_parked.TryGetValue(key, out var parked))
        {
            var newSeqs = NewSeqs(parked.Ledger, seqs);
            if (newSeqs.Count == 0)
            {
                return Claim.Covered(parked.Ledger);
            }

            if (parked.TryTake())
            {
                _parked.TryRemove(KeyValuePair.Create(key, parked));
                parked.Recorded.TrySetResult();
                if (LifeLeft(parked) > options.Value.ClaimDuration / 2)
                {
                    // Our parked claim is live for long enough: the sends need not wait for the write.
                    return new Claim(ClaimOutcome.Claimed, parked.Ledger, claimId, newSeqs, parked.Claim.Expires, null)
                    {
                        Confirmation = FoldAsync(key, parked, newSeqs, claimId, cancellationToken),
                        Parked = parked,
                    };
                }

                try
                {
                    if (await FoldAsync(key, parked, newSeqs, claimId, cancellationToken).ConfigureAwait(false) is { } folded)
                    {
                        return folded;
                    }
                }
                catch (Exception ex) when (StorageUnavailableException.IsOutage(ex) || ex is OperationCanceledException)
                {
                    // Not recorded: park it again, so this request's retry or the timer records it.
                    Park(key, parked.Again());
                    throw;
                }
            }
            else
            {
                // Its timer is recording it right now: read only once that write is done.
                await parked.Recorded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_lastWritten.TryGetValue(key, out var remembered) && NewSeqs(remembered.State.Ledger, seqs).Count == 0)
        {
            return Claim.Covered(remembered.State.Ledger);
        }

        Claim? busy = null;
        var waitUntil = time.GetUtcNow() + options.Value.DeviceWait;
        var poll = FirstPoll;
        for (var races = 0; races < MaxAttempts;)
        {
            var entry = remembered ?? await store.GetAsync(device, epoch, cancellationToken).ConfigureAwait(false);
            remembered = null;
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
                    // Another request is sending, or its instance is about to record what it sent: wait a little
                    // rather than send the client away for a whole Retry-After.
                    var pause = Min(poll, waitUntil - now);
                    if (pause <= TimeSpan.Zero)
                    {
                        return new Claim(ClaimOutcome.Busy, state.Ledger, null, state.ClaimSeqs, expires, null);
                    }

                    await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
                    poll = Min(poll * 2, LongestPoll);
                    continue;
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
            _lastWritten.TryRemove(key, out _);
            busy = new Claim(ClaimOutcome.Busy, state.Ledger, null, newSeqs, now + options.Value.ConflictRetryAfter, null);
            races++;
        }

        return busy!;
    }

    /// <summary>
    /// Everything <paramref name="claim"/> covers is enqueued: the ledger takes the claimed seqs in, is settled through
    /// <paramref name="settledThrough"/> (the sender's word; 0 for none), and our claim is dropped — at once when
    /// <see cref="IngestOptions.RecordDelay"/> is zero, else with the device's next claim or when the delay passes.
    /// </summary>
    /// <returns>The ledger now stored (or to be stored) and the gaps this change closed.</returns>
    public Task<(DeliveryLedger Ledger, GapClosure Closed)> CompleteAsync(string device, string epoch, Claim claim, long settledThrough, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (options.Value.RecordDelay <= TimeSpan.Zero)
        {
            return RecordAsync(device, epoch, claim, claim.Seqs, settledThrough, cancellationToken);
        }

        var limits = Limits;
        var ledger = claim.Ledger.Deliver(claim.Seqs, limits, out var delivered).SettleThrough(settledThrough, limits, out var settled);
        Park((device, epoch), new ParkedRecord(claim, ledger, settledThrough));
        return Task.FromResult((ledger, Sum(delivered, settled)));
    }

    /// <summary>
    /// Waits for the write of a claim made while its seqs were sent (<see cref="Claim.Confirmation"/>). Written: the
    /// claim to complete or release. Our parked claim taken over meanwhile: <paramref name="enqueued"/> merged into the
    /// entity, no claim (and the ledger now stored, if the merge got through). Storage down: the parked batch's seqs and
    /// <paramref name="enqueued"/> are parked again under the parked claim, and the failure is rethrown.
    /// </summary>
    public async Task<(Claim? Confirmed, DeliveryLedger Ledger)> ConfirmAsync(string device, string epoch, Claim claim, IReadOnlyList<SeqRange> enqueued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(enqueued);
        var parked = claim.Parked!;
        try
        {
            if (await claim.Confirmation!.ConfigureAwait(false) is { } confirmed)
            {
                return (confirmed, confirmed.Ledger);
            }

            var merged = await MergeAsync(device, epoch, enqueued, 0, claim.ClaimId, cancellationToken).ConfigureAwait(false);
            return (null, merged?.Ledger ?? claim.Ledger.Deliver(enqueued, Limits, out _));
        }
        catch (Exception ex) when (StorageUnavailableException.IsOutage(ex) || ex is OperationCanceledException)
        {
            var seqs = SeqRange.Of(Expand(parked.Claim.Seqs).Concat(Expand(enqueued)).Order());
            Park((device, epoch), new ParkedRecord(parked.Claim with { Seqs = seqs }, parked.Ledger.Deliver(enqueued, Limits, out _), parked.SettledThrough));
            throw;
        }
    }

    /// <summary>Records every parked batch now (the app is stopping).</summary>
    public Task RecordParkedAsync() => Task.WhenAll(_parked.ToArray().Select(p => RecordParkedAsync(p.Key, p.Value)));

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
    private async Task<(DeliveryLedger Ledger, GapClosure Closed)?> MergeAsync(string device, string epoch, IReadOnlyList<SeqRange> enqueued, long settledThrough, string? ourClaimId, CancellationToken cancellationToken)
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
    private static List<SeqRange> Unheld(DeliveryLedger ledger, IReadOnlyList<SeqRange> ranges) => NewSeqs(ledger, Expand(ranges));

    private static IEnumerable<long> Expand(IEnumerable<SeqRange> ranges) => ranges.SelectMany(r => Enumerable.Range(0, (int)r.Count).Select(i => r.First + i));

    private static GapClosure Sum(GapClosure a, GapClosure b) => new(a.Gaps + b.Gaps, a.Seqs + b.Seqs);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>How long the parked batch's claim still shields it from a takeover (negative once expired).</summary>
    private TimeSpan LifeLeft(ParkedRecord parked) => (parked.Claim.Expires ?? DateTimeOffset.MinValue) - time.GetUtcNow();

    /// <summary>
    /// The device's next batch in this instance: one conditional write records the parked seqs and claims
    /// <paramref name="newSeqs"/>. Null when our parked claim was taken over meanwhile; the parked seqs are then merged.
    /// </summary>
    private async Task<Claim?> FoldAsync((string Device, string Epoch) key, ParkedRecord parked, List<SeqRange> newSeqs, string claimId, CancellationToken cancellationToken)
    {
        var expires = time.GetUtcNow() + options.Value.ClaimDuration;
        var claimed = new WatermarkState(parked.Ledger, claimId, newSeqs, expires);
        var result = await store.TryReplaceAsync(key.Device, key.Epoch, claimed, parked.Claim.ETag!, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == WriteOutcome.Success)
        {
            _lastWritten.TryRemove(key, out _);
            return new Claim(ClaimOutcome.Claimed, parked.Ledger, claimId, newSeqs, expires, result.ETag);
        }

        var entry = await store.GetAsync(key.Device, key.Epoch, cancellationToken).ConfigureAwait(false);
        if (entry is not null && entry.State.ClaimId == claimId)
        {
            // The write landed; only its answer was lost.
            return new Claim(ClaimOutcome.Claimed, entry.State.Ledger, claimId, entry.State.ClaimSeqs, entry.State.ClaimExpires, entry.ETag);
        }

        Log.ClaimLost(logger, key.Device, key.Epoch, parked.Claim.ClaimId!, parked.Claim.Watermark, Describe(parked.Claim.Seqs));
        await MergeAsync(key.Device, key.Epoch, parked.Claim.Seqs, parked.SettledThrough, parked.Claim.ClaimId, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private void Park((string Device, string Epoch) key, ParkedRecord parked) => Park(key, parked, options.Value.RecordDelay);

    private void Park((string Device, string Epoch) key, ParkedRecord parked, TimeSpan delay)
    {
        _parked[key] = parked;
        parked.Timer = time.CreateTimer(
            static state =>
            {
                var (self, key, parked) = ((WatermarkCoordinator, (string, string), ParkedRecord))state!;
                _ = self.RecordParkedAsync(key, parked);
            },
            (this, key, parked),
            delay,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>No batch of the device came within the delay (or the app stops): record the parked seqs on their own.</summary>
    private async Task RecordParkedAsync((string Device, string Epoch) key, ParkedRecord parked)
    {
        if (!parked.TryTake())
        {
            return;
        }

        try
        {
            // Bounded like a request's storage work.
            using var budget = new CancellationTokenSource(options.Value.ClaimDuration, time);
            await RecordAsync(key.Device, key.Epoch, parked.Claim, parked.Claim.Seqs, parked.SettledThrough, budget.Token).ConfigureAwait(false);
            _parked.TryRemove(KeyValuePair.Create(key, parked));
        }
        catch (Exception ex) when ((StorageUnavailableException.IsOutage(ex) || ex is OperationCanceledException) && LifeLeft(parked) > ParkedRetry)
        {
            // Storage is down: keep the seqs parked (a device's next batch folds them in, or this retries) rather than
            // leave a claim that expires with seqs enqueued but never recorded.
            Park(key, parked.Again(), ParkedRetry);
        }
        catch (Exception ex)
        {
            // Nobody awaits a timer's work: whatever failed is logged here or nowhere.
            _parked.TryRemove(KeyValuePair.Create(key, parked));
            Log.CompleteFailed(logger, key.Device, key.Epoch, Describe(parked.Claim.Seqs), ex.Message);
        }
        finally
        {
            parked.Recorded.TrySetResult();
        }
    }

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
