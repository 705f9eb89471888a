using Hybrid.Edge.Store;

namespace Hybrid.Edge.Sinks;

/// <summary>
/// A sink's position in each lane: how far the far side has settled the readings (confirmed them, or refused them
/// for good), and the durable cursor behind it. <see cref="SaveAsync"/> records dead letters before it advances the
/// store's cursor, so a crash between the two re-delivers a reading rather than skipping it.
/// </summary>
internal sealed class SinkCursor
{
    /// <summary>The order in which every sink drains the lanes.</summary>
    public static readonly IReadOnlyList<Lane> DrainOrder = [Lane.High, Lane.Normal];

    private readonly ISinkLog _log;
    private readonly long[] _settled = new long[2];
    private readonly long[] _saved = new long[2];
    private readonly List<DeadLetterItem>[] _deadLetters = [[], []];

    /// <summary>Starts at the store's durable cursor of <paramref name="log"/>.</summary>
    public SinkCursor(ISinkLog log)
    {
        _log = log;
        foreach (var lane in DrainOrder)
        {
            _settled[(int)lane] = _saved[(int)lane] = log.GetCursor(lane);
        }
    }

    /// <summary>The highest seq of <paramref name="lane"/> settled so far (saved or not).</summary>
    public long Settled(Lane lane) => _settled[(int)lane];

    /// <summary>True when dead letters wait to be saved.</summary>
    public bool HasDeadLetters => _deadLetters[0].Count + _deadLetters[1].Count > 0;

    /// <summary>True when something settled is not yet durable.</summary>
    public bool HasUnsaved => _deadLetters[0].Count + _deadLetters[1].Count > 0 || _settled[0] > _saved[0] || _settled[1] > _saved[1];

    /// <summary>Marks every reading of <paramref name="lane"/> up to <paramref name="throughSeq"/> as delivered.</summary>
    public void Settle(Lane lane, long throughSeq)
    {
        if (throughSeq > _settled[(int)lane])
        {
            _settled[(int)lane] = throughSeq;
        }
    }

    /// <summary>Records that the far side refused <paramref name="seq"/> for good, and settles through it.</summary>
    public void DeadLetter(Lane lane, long seq, string reason)
    {
        _deadLetters[(int)lane].Add(new DeadLetterItem(seq, reason));
        Settle(lane, seq);
    }

    /// <summary>Makes what was settled durable: dead letters first, then the cursor.</summary>
    public async ValueTask SaveAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in DrainOrder)
        {
            var i = (int)lane;
            if (_deadLetters[i].Count > 0)
            {
                await _log.DeadLetterAsync(lane, [.. _deadLetters[i]], cancellationToken).ConfigureAwait(false);
                _deadLetters[i].Clear();
            }

            if (_settled[i] > _saved[i])
            {
                await _log.AdvanceAsync(lane, _settled[i], cancellationToken).ConfigureAwait(false);
                _saved[i] = _settled[i];
            }
        }
    }
}
