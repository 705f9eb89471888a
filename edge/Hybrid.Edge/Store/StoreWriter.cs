using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Store;

/// <summary>
/// The store's only writer of logs. Capture hands readings to a bounded channel (never blocking); one loop
/// takes them in groups — up to <c>CommitMaxReadings</c>, or what gathered within <c>CommitInterval</c> — and
/// commits each group in one transaction, enforcing capacity and the disk floor in that same transaction.
/// Retention runs on this loop too, so lane state has a single writer.
/// </summary>
internal sealed class StoreWriter : IReadingWriter, IDisposable
{
    private readonly ReadingStore _store;
    private readonly StoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<WriterItem> _channel;
    private readonly LaneClassifier _classifier;
    private readonly List<CaptureReading> _batch = [];
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopLinger = new();
    private readonly GroupPlan _plan = new();
    private LaneCommands[] _commands = [];
    private SqliteCommand? _updateLastSeq;
    private Task _loop = Task.CompletedTask;
    private ITimer? _retentionTimer;
    private long _nextRetention;
    private volatile bool _diskFull;
    private volatile bool _belowDiskFloor;
    private volatile bool _completing;
    private int _completeCalls;

    public StoreWriter(ReadingStore store, ILogger logger)
    {
        _store = store;
        _options = store.Options;
        _time = store.Time;
        _logger = logger;
        _classifier = new LaneClassifier(_options.EffectiveHighLanePatterns);
        _channel = Channel.CreateBounded<WriterItem>(new BoundedChannelOptions(_options.ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Readings waiting in the channel.</summary>
    public int QueuedReadings => _channel.Reader.Count;

    /// <summary>True while commits fail because the disk (or the page cap) is full.</summary>
    public bool DiskFull => _diskFull;

    /// <summary>True while the file system is below the free-disk floor.</summary>
    public bool BelowDiskFloor => _belowDiskFloor;

    /// <inheritdoc />
    public bool TryWrite(CaptureReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (_channel.Writer.TryWrite(WriterItem.ForReading(reading)))
        {
            return true;
        }

        _store.Counters.AddDropped(_channel.Reader.Completion.IsCompleted || _completing ? DropReason.Stopped : DropReason.ChannelFull, 1);
        return false;
    }

    /// <summary>Completes once every reading written before this call is committed (or dropped and counted).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => SendControlAsync(WriterControl.Flush, cancellationToken);

    /// <summary>Runs retention now and completes when it is done.</summary>
    public Task RunRetentionAsync(CancellationToken cancellationToken) => SendControlAsync(WriterControl.Retention, cancellationToken);

    /// <summary>Starts the loop on <paramref name="connection"/> (the store's write connection).</summary>
    public void Start(SqliteConnection connection)
    {
        _commands = [new LaneCommands(connection, Lane.High), new LaneCommands(connection, Lane.Normal)];
        _updateLastSeq = connection.CreateCommand();
        _updateLastSeq.CommandText = "UPDATE lanes SET last_seq = $seq WHERE lane = $lane";
        _updateLastSeq.Parameters.Add("$seq", SqliteType.Integer);
        _updateLastSeq.Parameters.Add("$lane", SqliteType.Integer);
        _nextRetention = _time.GetTimestamp();
        _retentionTimer = _time.CreateTimer(
            static state => ((StoreWriter)state!).WakeForRetention(),
            this,
            _options.RetentionInterval,
            _options.RetentionInterval);
        _loop = Task.Run(() => RunAsync(connection));
    }

    /// <summary>
    /// Stops taking readings, commits what is queued and ends the loop. When <paramref name="cancellationToken"/>
    /// fires first (e.g. the disk stays full past the shutdown timeout) the rest is dropped and counted.
    /// </summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        // StoreService.StopAsync completes the writer, then the container disposes it (it is also the registered
        // IReadingWriter) before ReadingStore.DisposeAsync completes it again: the second call has nothing to do.
        if (Interlocked.Exchange(ref _completeCalls, 1) == 1)
        {
            await _loop.ConfigureAwait(false);
            return;
        }

        _completing = true;
        _channel.Writer.TryComplete();
        _retentionTimer?.Dispose();
        await _stopLinger.CancelAsync().ConfigureAwait(false);
        using var registration = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort);
        await _loop.ConfigureAwait(false);
        foreach (var commands in _commands)
        {
            commands.Dispose();
        }

        _updateLastSeq?.Dispose();
    }

    public void Dispose()
    {
        _abort.Dispose();
        _stopLinger.Dispose();
    }

    /// <summary>
    /// The retention timer wakes an idle loop only: a busy one checks the due time after every commit by itself, and
    /// a queued tick there would run retention a second time and take a slot a reading could have had.
    /// </summary>
    private void WakeForRetention()
    {
        if (_channel.Reader.Count == 0)
        {
            _channel.Writer.TryWrite(WriterItem.ForControl(WriterControl.Retention, done: null));
        }
    }

    private async Task SendControlAsync(WriterControl control, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(WriterItem.ForControl(control, done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(SqliteConnection connection)
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var control = await GatherAsync(reader).ConfigureAwait(false);
                if (_batch.Count > 0)
                {
                    await CommitWithRetryAsync(connection).ConfigureAwait(false);
                }

                if (control.Control == WriterControl.Retention || _time.GetTimestamp() >= _nextRetention)
                {
                    RunRetentionWithRetry(connection);
                }

                control.Done?.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            // A bug or an I/O fault the store cannot handle: say so loudly; capture keeps counting drops.
            Log.WriterFailed(_logger, ex);
            _completing = true;
            _channel.Writer.TryComplete(ex);
            while (reader.TryRead(out var item))
            {
                _store.Counters.AddDropped(DropReason.Stopped, item.Reading is null ? 0 : 1);
                item.Done?.TrySetException(ex);
            }

            throw;
        }
    }

    /// <summary>Fills <see cref="_batch"/>; returns the control item that ended the group, if any.</summary>
    private async ValueTask<WriterItem> GatherAsync(ChannelReader<WriterItem> reader)
    {
        _batch.Clear();
        var max = _options.CommitMaxReadings;
        var started = 0L;
        while (true)
        {
            while (_batch.Count < max && reader.TryRead(out var item))
            {
                if (item.Reading is null)
                {
                    return item;
                }

                if (_batch.Count == 0)
                {
                    started = _time.GetTimestamp();
                }

                _batch.Add(item.Reading);
            }

            if (_batch.Count == 0 || _batch.Count >= max || _completing)
            {
                return default;
            }

            // Linger for the rest of the commit interval: one commit per interval instead of one per reading
            // spares the SD card when readings trickle in.
            var remaining = _options.CommitInterval - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return default;
            }

            try
            {
                await Task.Delay(remaining, _time, _stopLinger.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return default;
            }
        }
    }

    private async Task CommitWithRetryAsync(SqliteConnection connection)
    {
        while (true)
        {
            try
            {
                CommitGroup(connection);
                if (_diskFull)
                {
                    _diskFull = false;
                    Log.DiskFullRecovered(_logger, _store.Path);
                }

                return;
            }
            catch (Exception ex) when (StoreFile.IsDiskFull(ex))
            {
                _store.Counters.AddDiskFull();
                if (!_diskFull)
                {
                    Log.DiskFull(_logger, _store.Path, _batch.Count, _options.DiskFullRetryInterval);
                    _diskFull = true;
                }

                // First reuse the pages of readings every sink has delivered; only then, under drop-oldest, give up undelivered ones.
                if (RunRetentionWithRetry(connection) > 0)
                {
                    continue;
                }

                if (_options.EffectiveCapacityPolicy == CapacityPolicy.DropOldest && TryMakeRoom(connection, _batch.Count))
                {
                    continue;
                }

                try
                {
                    await Task.Delay(_options.DiskFullRetryInterval, _time, _abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _store.Counters.AddDropped(DropReason.DiskFull, _batch.Count);
                    return;
                }
            }
        }
    }

    /// <summary>The disk is full and the policy is drop-oldest: delete the oldest normal readings to reuse their pages.</summary>
    private bool TryMakeRoom(SqliteConnection connection, int count)
    {
        var normal = _store.Lane(Lane.Normal);
        if (normal.Rows == 0)
        {
            return false;
        }

        try
        {
            _plan.Reset(_store);
            using var transaction = connection.BeginTransaction();
            Evict(transaction, Lane.Normal, Math.Max(count, 1), 0, DropReason.DiskFull);
            transaction.Commit();
            ApplyPlan();
            return true;
        }
        catch (Exception ex) when (StoreFile.IsDiskFull(ex))
        {
            return false;
        }
    }

    private void CommitGroup(SqliteConnection connection)
    {
        var plan = _plan;
        plan.Reset(_store);
        var policy = _options.EffectiveCapacityPolicy;
        var floor = _belowDiskFloor;
        var floorEvictions = 0L;
        using (var transaction = connection.BeginTransaction())
        {
            _commands[0].Insert.Transaction = transaction;
            _commands[1].Insert.Transaction = transaction;
            foreach (var reading in _batch)
            {
                var lane = _classifier.Classify(reading.Type);
                var bytes = StoreSchema.RowBytes(reading.Type, reading.Source, reading.Key, reading.PayloadJson.Length);
                if (lane == Lane.Normal && floor && policy == CapacityPolicy.RejectNew)
                {
                    plan.Drops[(int)DropReason.DiskFloor]++;
                    continue;
                }

                if (policy == CapacityPolicy.RejectNew
                    && (plan.TotalRows + 1 > _options.MaxRows || plan.TotalBytes + bytes > _options.MaxBytes)
                    && (lane == Lane.Normal || plan.Rows(Lane.Normal) == 0))
                {
                    plan.Drops[(int)DropReason.Capacity]++;
                    continue;
                }

                var seq = ++plan.Head[(int)lane];
                _commands[(int)lane].BindAndInsert(seq, reading);
                plan.Appended[(int)lane]++;
                plan.AppendedBytes[(int)lane] += bytes;
                plan.WrittenBytes += bytes;
                if (lane == Lane.Normal && floor)
                {
                    floorEvictions++;
                }
            }

            if (floorEvictions > 0)
            {
                // Below the floor, drop-oldest keeps the store from growing: one old normal reading out per new one in.
                Evict(transaction, Lane.Normal, floorEvictions, 0, DropReason.DiskFloor);
            }

            EnforceCapacity(transaction, policy);
            UpdateLastSeq(transaction);
            transaction.Commit();
        }

        ApplyPlan();
    }

    private void EnforceCapacity(SqliteTransaction transaction, CapacityPolicy policy)
    {
        // Normal goes first; under reject-new only a high reading can get here, and it may evict normal ones only.
        foreach (var lane in (ReadOnlySpan<Lane>)[Lane.Normal, Lane.High])
        {
            var overRows = _plan.TotalRows - _options.MaxRows;
            var overBytes = _plan.TotalBytes - _options.MaxBytes;
            if (overRows <= 0 && overBytes <= 0)
            {
                return;
            }

            if (lane == Lane.High && policy == CapacityPolicy.RejectNew)
            {
                return;
            }

            Evict(transaction, lane, Math.Max(overRows, 0), Math.Max(overBytes, 0), DropReason.Capacity);
        }
    }

    /// <summary>
    /// Deletes the oldest rows of <paramref name="lane"/> until at least <paramref name="rows"/> rows and
    /// <paramref name="bytes"/> bytes are gone (or the lane is empty); rows no sink has passed count as drops.
    /// </summary>
    private void Evict(SqliteTransaction transaction, Lane lane, long rows, long bytes, DropReason reason) =>
        DeleteOldest(transaction, lane, (taken, takenBytes, _) => taken < rows || takenBytes < bytes, reason);

    /// <summary>
    /// Deletes the lane's oldest readings while <paramref name="more"/>(rows taken, bytes taken, next reading's ts)
    /// says so: one range scan from the first seq, then one prefix delete.
    /// </summary>
    private void DeleteOldest(SqliteTransaction transaction, Lane lane, Func<long, long, long, bool> more, DropReason reason)
    {
        var commands = _commands[(int)lane];
        commands.ScanOldest.Transaction = transaction;
        commands.ScanOldest.Parameters[0].Value = _plan.First[(int)lane];
        long cut = 0, rows = 0, bytes = 0;
        using (var reader = commands.ScanOldest.ExecuteReader())
        {
            while (reader.Read() && more(rows, bytes, reader.GetInt64(1)))
            {
                cut = reader.GetInt64(0);
                rows++;
                bytes += reader.GetInt64(2);
            }
        }

        if (rows > 0)
        {
            DeletePrefix(transaction, lane, cut, rows, bytes, reason);
        }
    }

    private void DeletePrefix(SqliteTransaction transaction, Lane lane, long throughSeq, long rows, long bytes, DropReason? reason)
    {
        var commands = _commands[(int)lane];
        commands.DeletePrefix.Transaction = transaction;
        commands.DeletePrefix.Parameters[0].Value = throughSeq;
        commands.DeletePrefix.ExecuteNonQuery();
        var first = _plan.First[(int)lane];
        if (reason is { } r)
        {
            // Rows some enabled sink has not passed yet were lost to that sink; with no sink enabled, all were.
            var passed = _store.MinCursor(lane) ?? 0;
            _plan.Drops[(int)r] += Math.Clamp(throughSeq - Math.Max(first - 1, passed), 0, rows);
        }

        _plan.First[(int)lane] = throughSeq + 1;
        _plan.Deleted[(int)lane] += rows;
        _plan.DeletedBytes[(int)lane] += bytes;
        _plan.DeletedThrough[(int)lane] = throughSeq;
    }

    private void UpdateLastSeq(SqliteTransaction transaction)
    {
        var command = _updateLastSeq!;
        command.Transaction = transaction;
        for (var lane = 0; lane < 2; lane++)
        {
            if (_plan.Appended[lane] > 0)
            {
                command.Parameters[0].Value = _plan.Head[lane];
                command.Parameters[1].Value = lane;
                command.ExecuteNonQuery();
            }
        }
    }

    /// <summary>After a commit: publish the new lane state and counters, then wake waiting sinks.</summary>
    private void ApplyPlan()
    {
        var plan = _plan;
        var appended = false;
        for (var i = 0; i < 2; i++)
        {
            var lane = _store.Lane((Lane)i);
            if (plan.Deleted[i] > 0)
            {
                lane.PrefixDeleted(plan.DeletedThrough[i], plan.Deleted[i], plan.DeletedBytes[i]);
            }

            if (plan.Appended[i] > 0)
            {
                lane.Appended(plan.Head[i], plan.Appended[i], plan.AppendedBytes[i]);
                appended = true;
            }
        }

        for (var r = 0; r < plan.Drops.Length; r++)
        {
            _store.Counters.AddDropped((DropReason)r, plan.Drops[r]);
        }

        if (appended)
        {
            _store.Counters.AddCommit(plan.Appended[0] + plan.Appended[1], plan.WrittenBytes);
            _store.SignalHeadChanged();
        }
    }

    /// <summary>Runs retention; returns the rows it deleted (0 when it failed on a full disk).</summary>
    private long RunRetentionWithRetry(SqliteConnection connection)
    {
        _nextRetention = _time.GetTimestamp() + (long)(_options.RetentionInterval.TotalSeconds * _time.TimestampFrequency);
        try
        {
            return RunRetention(connection);
        }
        catch (Exception ex) when (StoreFile.IsDiskFull(ex))
        {
            // Deleting needs a little WAL space too; the next interval tries again.
            _store.Counters.AddDiskFull();
            return 0;
        }
    }

    /// <summary>Deletes what every enabled sink has passed, then readings older than the TTL; re-checks the disk floor.</summary>
    private long RunRetention(SqliteConnection connection)
    {
        _plan.Reset(_store);
        using (var transaction = connection.BeginTransaction())
        {
            for (var i = 0; i < 2; i++)
            {
                var lane = (Lane)i;
                if (_store.MinCursor(lane) is { } passed && passed >= _plan.First[i])
                {
                    var through = Math.Min(passed, _plan.Head[i]);
                    var (rows, bytes) = _commands[i].CountPrefix(transaction, through);
                    DeletePrefix(transaction, lane, through, rows, bytes, reason: null);
                }

                if (_options.Ttl > TimeSpan.Zero)
                {
                    ExpireTtl(transaction, lane);
                }
            }

            transaction.Commit();
        }

        var deleted = _plan.Deleted[0] + _plan.Deleted[1];
        ApplyPlan();
        CheckDiskFloor();
        return deleted;
    }

    private void ExpireTtl(SqliteTransaction transaction, Lane lane)
    {
        // The log is in capture order, so expired readings form a prefix; stopping at the first young one keeps this
        // a short range scan instead of a full-table one (a reading with a skewed clock only delays the cut).
        var cutoff = (_time.GetUtcNow() - _options.Ttl).ToUnixTimeMilliseconds();
        DeleteOldest(transaction, lane, (_, _, ts) => ts < cutoff, DropReason.Ttl);
    }

    private void CheckDiskFloor()
    {
        if (_options.MinFreeDiskBytes <= 0 && _options.MinFreeDiskPercent <= 0)
        {
            return;
        }

        try
        {
            var drive = new DriveInfo(Path.GetDirectoryName(_store.Path)!);
            var floor = Math.Max((long)(drive.TotalSize * _options.MinFreeDiskPercent / 100), _options.MinFreeDiskBytes);
            var below = drive.AvailableFreeSpace < floor;
            if (below != _belowDiskFloor)
            {
                _belowDiskFloor = below;
                if (below)
                {
                    Log.BelowDiskFloor(_logger, drive.AvailableFreeSpace, floor, _options.CapacityPolicy);
                }
                else
                {
                    Log.AboveDiskFloor(_logger, drive.AvailableFreeSpace, floor);
                }
            }
        }
        catch (IOException)
        {
            // statvfs failed (e.g. the mount vanished); the next commit reports the real error if there is one.
        }
    }

    /// <summary>Per-group scratch state, reused: what the open transaction will change once committed.</summary>
    private sealed class GroupPlan
    {
        public long[] Head { get; } = new long[2];

        public long[] First { get; } = new long[2];

        public long[] Appended { get; } = new long[2];

        public long[] AppendedBytes { get; } = new long[2];

        public long[] Deleted { get; } = new long[2];

        public long[] DeletedBytes { get; } = new long[2];

        public long[] DeletedThrough { get; } = new long[2];

        public long[] Drops { get; } = new long[Enum.GetValues<DropReason>().Length];

        public long WrittenBytes { get; set; }

        private long[] BaseRows { get; } = new long[2];

        private long[] BaseBytes { get; } = new long[2];

        public long TotalRows => Rows(Lane.High) + Rows(Lane.Normal);

        public long TotalBytes => BaseBytes[0] + AppendedBytes[0] - DeletedBytes[0] + BaseBytes[1] + AppendedBytes[1] - DeletedBytes[1];

        public long Rows(Lane lane) => BaseRows[(int)lane] + Appended[(int)lane] - Deleted[(int)lane];

        public void Reset(ReadingStore store)
        {
            for (var i = 0; i < 2; i++)
            {
                var lane = store.Lane((Lane)i);
                Head[i] = lane.HeadSeq;
                First[i] = lane.FirstSeq;
                BaseRows[i] = lane.Rows;
                BaseBytes[i] = lane.Bytes;
                Appended[i] = AppendedBytes[i] = Deleted[i] = DeletedBytes[i] = DeletedThrough[i] = 0;
            }

            Array.Clear(Drops);
            WrittenBytes = 0;
        }
    }

    /// <summary>The prepared statements of one lane's log, created once and reused for every group.</summary>
    private sealed class LaneCommands : IDisposable
    {
        private readonly SqliteParameter _seq;
        private readonly SqliteParameter _type;
        private readonly SqliteParameter _ts;
        private readonly SqliteParameter _source;
        private readonly SqliteParameter _key;
        private readonly SqliteParameter _payload;
        private readonly SqliteCommand _countPrefix;

        public LaneCommands(SqliteConnection connection, Lane lane)
        {
            var table = StoreSchema.LogTable(lane);
            Insert = connection.CreateCommand();
            Insert.CommandText = $"INSERT INTO {table} (seq, type, ts, source, key, payload) VALUES ($seq, $type, $ts, $source, $key, $payload)";
            _seq = Insert.Parameters.Add("$seq", SqliteType.Integer);
            _type = Insert.Parameters.Add("$type", SqliteType.Text);
            _ts = Insert.Parameters.Add("$ts", SqliteType.Integer);
            _source = Insert.Parameters.Add("$source", SqliteType.Text);
            _key = Insert.Parameters.Add("$key", SqliteType.Text);
            _payload = Insert.Parameters.Add("$payload", SqliteType.Blob);

            ScanOldest = connection.CreateCommand();
            ScanOldest.CommandText = $"SELECT seq, ts, {StoreSchema.RowBytesSql} FROM {table} WHERE seq >= $first ORDER BY seq";
            ScanOldest.Parameters.Add("$first", SqliteType.Integer);

            DeletePrefix = connection.CreateCommand();
            DeletePrefix.CommandText = $"DELETE FROM {table} WHERE seq <= $through";
            DeletePrefix.Parameters.Add("$through", SqliteType.Integer);

            _countPrefix = connection.CreateCommand();
            _countPrefix.CommandText = $"SELECT count(*), coalesce(sum({StoreSchema.RowBytesSql}), 0) FROM {table} WHERE seq <= $through";
            _countPrefix.Parameters.Add("$through", SqliteType.Integer);
        }

        public SqliteCommand Insert { get; }

        public SqliteCommand ScanOldest { get; }

        public SqliteCommand DeletePrefix { get; }

        public void BindAndInsert(long seq, CaptureReading reading)
        {
            _seq.Value = seq;
            _type.Value = reading.Type;
            _ts.Value = reading.Ts.ToUnixTimeMilliseconds();
            _source.Value = reading.Source;
            _key.Value = (object?)reading.Key ?? DBNull.Value;
            _payload.Value = AsArray(reading.PayloadJson);
            Insert.ExecuteNonQuery();
        }

        public (long Rows, long Bytes) CountPrefix(SqliteTransaction transaction, long through)
        {
            _countPrefix.Transaction = transaction;
            _countPrefix.Parameters[0].Value = through;
            using var reader = _countPrefix.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        public void Dispose()
        {
            Insert.Dispose();
            ScanOldest.Dispose();
            DeletePrefix.Dispose();
            _countPrefix.Dispose();
        }

        private static byte[] AsArray(ReadOnlyMemory<byte> payload)
        {
            // Capture usually hands over a whole array: bind it as is. A slice has to be copied, since the SQLite
            // provider binds whole arrays only.
            if (MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length)
            {
                return segment.Array;
            }

            return payload.ToArray();
        }
    }
}
