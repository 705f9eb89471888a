using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// The claim protocol on the <c>(device, epoch)</c> entity, every write conditional on the ETag read just before:
/// <list type="number">
/// <item>read; if the watermark covers the batch, everything is a duplicate (no write);</item>
/// <item>if another claim is live, the caller answers 409 (one claim per device and epoch, because a watermark may
/// only rise over seqs that are all enqueued);</item>
/// <item>otherwise write <c>(watermark, claimId, claimThrough = max seq, expires = now + ClaimDuration)</c>; an expired
/// claim is simply overwritten (taken over);</item>
/// <item>after every message is sent, write <c>(max seq, no claim)</c>. If that write loses because our claim expired
/// and was taken over, the items are enqueued all the same; the watermark is raised if still below (never lowered).</item>
/// </list>
/// A lost race on a write re-reads and tries again a few times, then reports Busy.
/// <para>
/// The one in-process cache of watermarks: the last entity state this instance wrote or read without a claim, with
/// its ETag, per <c>(device, epoch)</c>. It is used instead of the first read: a remembered watermark that covers a
/// batch makes it a duplicate with no storage call at all (watermarks only rise, so a remembered one is a lower bound
/// of the truth and never decides that something may be enqueued), and a conditional write against the remembered
/// ETag succeeds only if nobody wrote since (on 412 the request simply reads). That saves one Table round trip per
/// batch for the usual case of one device talking to one instance. Entries with a claim are never remembered; claims
/// are always read fresh. Bounded by <see cref="IngestOptions.WatermarkCacheSize"/>: a full cache starts over.
/// </para>
/// </summary>
internal sealed class WatermarkCoordinator(IWatermarkStore store, IOptions<IngestOptions> options, TimeProvider time, ILogger<WatermarkCoordinator> logger)
{
    private const int MaxAttempts = 5;

    private readonly ConcurrentDictionary<(string Device, string Epoch), WatermarkEntry> _known = new();

    public async Task<Claim> ClaimAsync(string device, string epoch, long maxSeq, CancellationToken cancellationToken)
    {
        Claim? busy = null;

        // One id for every attempt: when a write succeeded but its answer was lost (the storage client retried it and
        // got 409/412), the re-read shows our own claim, which is then ours to use rather than a rival's.
        var claimId = Guid.NewGuid().ToString("N");
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entry = attempt == 0 && _known.TryGetValue((device, epoch), out var remembered)
                ? remembered
                : await store.GetAsync(device, epoch, cancellationToken).ConfigureAwait(false);
            var state = entry?.State ?? new WatermarkState(0, null, 0, null);
            if (state.Watermark >= maxSeq)
            {
                // Safe from a remembered entry too: watermarks only rise.
                if (entry is not null)
                {
                    Remember(device, epoch, entry);
                }

                return new Claim(ClaimOutcome.Covered, state.Watermark, null, 0, null, null);
            }

            if (entry is not null && state.ClaimId == claimId)
            {
                return new Claim(ClaimOutcome.Claimed, state.Watermark, claimId, state.ClaimThrough, state.ClaimExpires, entry.ETag);
            }

            var now = time.GetUtcNow();
            if (state.ClaimId is not null && state.ClaimExpires is { } expires)
            {
                if (expires > now)
                {
                    return new Claim(ClaimOutcome.Busy, state.Watermark, null, state.ClaimThrough, expires, null);
                }

                Log.ClaimTakenOver(logger, device, epoch, state.ClaimId, state.Watermark, state.ClaimThrough, expires);
            }

            var claimExpires = now + options.Value.ClaimDuration;
            var claimed = state with { ClaimId = claimId, ClaimThrough = maxSeq, ClaimExpires = claimExpires };
            var result = entry is null
                ? await store.TryInsertAsync(device, epoch, claimed, cancellationToken).ConfigureAwait(false)
                : await store.TryReplaceAsync(device, epoch, claimed, entry.ETag, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == WriteOutcome.Success)
            {
                return new Claim(ClaimOutcome.Claimed, state.Watermark, claimId, maxSeq, claimExpires, result.ETag);
            }

            // Another instance wrote between our read (or our last write) and this write: read again and decide afresh.
            _known.TryRemove((device, epoch), out _);
            busy = new Claim(ClaimOutcome.Busy, state.Watermark, null, maxSeq, now + options.Value.ConflictRetryAfter, null);
        }

        return busy!;
    }

    /// <summary>Everything through <paramref name="watermark"/> is enqueued: raise the watermark and drop our claim.</summary>
    /// <returns>The watermark now stored (at least <paramref name="watermark"/> unless we gave up racing).</returns>
    public async Task<long> CompleteAsync(string device, string epoch, Claim claim, long watermark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var completed = new WatermarkState(watermark, null, 0, null);
        var result = await store.TryReplaceAsync(device, epoch, completed, claim.ETag!, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == WriteOutcome.Success)
        {
            Remember(device, epoch, new WatermarkEntry(completed, result.ETag!));
            return watermark;
        }

        // Our claim expired and another request took it over: it may be re-sending part of our range (the at-least-once
        // edge case that ClaimDuration, and stopping sends at 80 % of it, make rare). Our items are all enqueued, so
        // raising the watermark to ours is safe and spares later requests; the other claim's fields stay as they are.
        Log.ClaimLost(logger, device, epoch, claim.ClaimId!, claim.Watermark, watermark);
        return await RaiseAsync(device, epoch, watermark, claim.ClaimId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sending failed part-way: record the prefix known to be enqueued (<paramref name="enqueuedThrough"/>) and drop our
    /// claim so a retry need not wait for it to expire. Best effort: if storage is down the claim simply expires.
    /// </summary>
    public async Task ReleaseAsync(string device, string epoch, Claim claim, long enqueuedThrough, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var state = new WatermarkState(Math.Max(claim.Watermark, enqueuedThrough), null, 0, null);
        try
        {
            var result = await store.TryReplaceAsync(device, epoch, state, claim.ETag!, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == WriteOutcome.Success)
            {
                Remember(device, epoch, new WatermarkEntry(state, result.ETag!));
            }
            else
            {
                await RaiseAsync(device, epoch, state.Watermark, claim.ClaimId, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (StorageUnavailableException.IsOutage(ex))
        {
            Log.ReleaseFailed(logger, device, epoch, claim.ClaimId!, ex.Message);
        }
    }

    private void Remember(string device, string epoch, WatermarkEntry entry)
    {
        var capacity = options.Value.WatermarkCacheSize;
        if (capacity == 0 || entry.State.ClaimId is not null)
        {
            return;
        }

        if (_known.Count >= capacity)
        {
            // Crude but bounded: a full cache starts over; it is only a fast path.
            _known.Clear();
        }

        // Never replace a higher remembered watermark with a lower one (a slow request finishing after a faster one).
        _known.AddOrUpdate((device, epoch), static (_, added) => added,
            static (_, current, added) => added.State.Watermark >= current.State.Watermark ? added : current, entry);
    }

    /// <summary>Raises the stored watermark to at least <paramref name="watermark"/>, dropping the claim if it is still ours.</summary>
    private async Task<long> RaiseAsync(string device, string epoch, long watermark, string? ourClaimId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entry = await store.GetAsync(device, epoch, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                // Cannot happen (entities are never deleted); insert rather than lose the information.
                var inserted = await store.TryInsertAsync(device, epoch, new WatermarkState(watermark, null, 0, null), cancellationToken).ConfigureAwait(false);
                if (inserted.Outcome == WriteOutcome.Success)
                {
                    return watermark;
                }

                continue;
            }

            var ours = ourClaimId is not null && entry.State.ClaimId == ourClaimId;
            if (entry.State.Watermark >= watermark && !ours)
            {
                Remember(device, epoch, entry);
                return entry.State.Watermark;
            }

            // Another request's claim stays as it is: it may still be sending, and completes or expires on its own.
            var state = ours
                ? new WatermarkState(Math.Max(watermark, entry.State.Watermark), null, 0, null)
                : entry.State with { Watermark = watermark };
            var raised = await store.TryReplaceAsync(device, epoch, state, entry.ETag, cancellationToken).ConfigureAwait(false);
            if (raised.Outcome == WriteOutcome.Success)
            {
                Remember(device, epoch, new WatermarkEntry(state, raised.ETag!));
                return state.Watermark;
            }
        }

        Log.RaiseGaveUp(logger, device, epoch, watermark);
        return watermark;
    }
}
