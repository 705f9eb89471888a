using Microsoft.Data.Sqlite;

namespace Hybrid.Edge.Store;

/// <summary>
/// One sink's reader: its own SQLite connection (WAL lets it read while the writer commits), its cursors cached
/// in memory and written through on advance. Calls are serialized by a gate, so a sink may read ahead and
/// advance from different tasks.
/// </summary>
internal sealed class SinkLog : ISinkLog, IDisposable
{
    private readonly IReadOnlyList<LaneState> _lanes;
    private readonly HeadSignal _headSignal;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand[] _read;
    private readonly SqliteCommand _advance;
    private readonly long[] _cursors = new long[2];

    /// <summary>Takes ownership of <paramref name="connection"/> (its own, so it reads while the writer commits).</summary>
    public SinkLog(SqliteConnection connection, string sink, string deviceId, IReadOnlyList<LaneState> lanes, HeadSignal headSignal, TimeProvider time)
    {
        _connection = connection;
        _lanes = lanes;
        _headSignal = headSignal;
        _time = time;
        Sink = sink;
        DeviceId = deviceId;
        _read = [CreateRead(Lane.High), CreateRead(Lane.Normal)];
        _advance = _connection.CreateCommand();
        _advance.CommandText = StoreSql.AdvanceCursor;
        _advance.Parameters.AddWithValue("$sink", sink);
        _advance.Parameters.Add("$lane", SqliteType.Integer);
        _advance.Parameters.Add("$seq", SqliteType.Integer);

        using var load = _connection.CreateCommand();
        load.CommandText = StoreSql.LoadCursors;
        load.Parameters.AddWithValue("$sink", sink);
        using var reader = load.ExecuteReader();
        while (reader.Read())
        {
            var lane = reader.GetInt32(0);
            if (lane is 0 or 1)
            {
                _cursors[lane] = reader.GetInt64(1);
            }
        }
    }

    /// <inheritdoc />
    public string Sink { get; }

    /// <inheritdoc />
    public string DeviceId { get; }

    /// <inheritdoc />
    public string GetEpoch(Lane lane) => _lanes[(int)lane].Epoch;

    /// <inheritdoc />
    public long GetCursor(Lane lane) => Volatile.Read(ref _cursors[(int)lane]);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredReading>> ReadAsync(Lane lane, long afterSeq, int maxCount, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var head = _lanes[(int)lane].HeadSeq;
        if (afterSeq >= head)
        {
            return [];
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Bounded by the published head: a row committed a moment ago but not yet published is left for the
            // next read, so a sink never holds a seq that AdvanceAsync would refuse as beyond the head.
            var command = _read[(int)lane];
            command.Parameters[0].Value = afterSeq;
            command.Parameters[1].Value = head;
            command.Parameters[2].Value = maxCount;
            var readings = new List<StoredReading>(Math.Min(maxCount, (int)Math.Min(head - afterSeq, 4096)));
            long bytes = 0;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var payload = (byte[])reader.GetValue(5);
                var reading = new StoredReading(
                    lane,
                    reader.GetInt64(0),
                    reader.GetString(1),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    payload);
                bytes += StoreSchema.RowBytes(reading.Type, reading.Source, reading.Key, payload.Length);
                if (readings.Count > 0 && bytes > maxBytes)
                {
                    break;
                }

                readings.Add(reading);
            }

            return readings;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask AdvanceAsync(Lane lane, long throughSeq, CancellationToken cancellationToken)
    {
        var head = _lanes[(int)lane].HeadSeq;
        if (throughSeq > head)
        {
            throw new ArgumentOutOfRangeException(nameof(throughSeq), throughSeq, $"Sink {Sink} cannot advance the {lane} lane past its head {head}.");
        }

        if (throughSeq <= GetCursor(lane))
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _advance.Parameters[1].Value = (int)lane;
            _advance.Parameters[2].Value = throughSeq;
            _advance.ExecuteNonQuery();
            if (throughSeq > _cursors[(int)lane])
            {
                Volatile.Write(ref _cursors[(int)lane], throughSeq);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(Lane lane, IReadOnlyList<DeadLetterItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var head = _lanes[(int)lane].HeadSeq;
        foreach (var item in items)
        {
            if (item.Seq <= 0 || item.Seq > head)
            {
                throw new ArgumentOutOfRangeException(nameof(items), item.Seq, $"Sink {Sink} cannot dead-letter seq {item.Seq} of the {lane} lane (head {head}).");
            }
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using var copy = _connection.CreateCommand();
            copy.Transaction = transaction;

            copy.CommandText = StoreSql.DeadLetter(lane);
            copy.Parameters.AddWithValue("$sink", Sink);
            copy.Parameters.AddWithValue("$lane", (int)lane);
            copy.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
            var seq = copy.Parameters.Add("$seq", SqliteType.Integer);
            var reason = copy.Parameters.Add("$reason", SqliteType.Text);
            foreach (var item in items)
            {
                seq.Value = item.Seq;
                reason.Value = item.Reason;
                copy.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RetryItem>> ReadRetriesAsync(int maxCount, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = StoreSql.ReadRetries;
            command.Parameters.AddWithValue("$sink", Sink);
            command.Parameters.AddWithValue("$limit", maxCount);
            var items = new List<RetryItem>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                items.Add(new RetryItem(reader.GetInt64(0), new StoredReading(
                    (Lane)reader.GetInt32(1),
                    reader.GetInt64(2),
                    reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    (byte[])reader.GetValue(7))));
            }

            return items;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask SettleRetryAsync(long id, string? refusal, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = refusal is null ? StoreSql.CompleteRetry : StoreSql.FailRetry;
            command.Parameters.AddWithValue("$id", id);
            if (refusal is not null)
            {
                command.Parameters.AddWithValue("$reason", refusal);
                command.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
            }

            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask WaitForReadingsAsync(long afterSeqHigh, long afterSeqNormal, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the signal before checking the heads: a commit between the check and the wait then still wakes us.
            var changed = _headSignal.Changed;
            // Rows deleted before a sink got them (TTL, capacity, or a sink enabled after retention) are not readings to
            // wait for: a cursor below the first seq held counts as at first - 1, or the sink would spin on the gap.
            if (HasReadingsAfter(Lane.High, afterSeqHigh) || HasReadingsAfter(Lane.Normal, afterSeqNormal))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public bool HasReadingsAfter(Lane lane, long afterSeq)
    {
        var state = _lanes[(int)lane];
        return state.HeadSeq > Math.Max(afterSeq, state.FirstSeq - 1);
    }

    /// <summary>Per lane the cursor, backlog and oldest undelivered reading's age; and the dead-letter count.</summary>
    public async ValueTask<SinkStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cursorHigh = GetCursor(Lane.High);
        var cursorNormal = GetCursor(Lane.Normal);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = StoreSql.SinkStats;
            command.Parameters.AddWithValue("$high", cursorHigh);
            command.Parameters.AddWithValue("$normal", cursorNormal);
            command.Parameters.AddWithValue("$sink", Sink);
            using var reader = command.ExecuteReader();
            reader.Read();
            TimeSpan? Age(int column) => reader.IsDBNull(column) ? null : now - DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));
            return new SinkStats(
                Sink,
                new SinkLaneStats(cursorHigh, _lanes[0].BacklogAfter(cursorHigh), Age(0)),
                new SinkLaneStats(cursorNormal, _lanes[1].BacklogAfter(cursorNormal), Age(1)),
                reader.GetInt64(2));
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var command in _read)
        {
            command.Dispose();
        }

        _advance.Dispose();
        _connection.Dispose();
        _gate.Dispose();
    }

    private SqliteCommand CreateRead(Lane lane)
    {
        var command = _connection.CreateCommand();
        command.CommandText = StoreSql.ReadAfter(lane);
        command.Parameters.Add("$after", SqliteType.Integer);
        command.Parameters.Add("$head", SqliteType.Integer);
        command.Parameters.Add("$limit", SqliteType.Integer);
        return command;
    }
}
