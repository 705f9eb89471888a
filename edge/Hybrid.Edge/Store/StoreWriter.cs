using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Store;

/// <summary>
/// The store's only writer of logs. Capture hands readings to a bounded channel (never blocking); one loop
/// takes them in groups — up to <c>CommitMaxReadings</c>, or what gathered within <c>CommitInterval</c> — and
/// commits each group in one transaction, with what <see cref="LogPruner"/> deletes to keep capacity and the disk
/// floor and the drop counters (<see cref="SavedDrops"/>) in that same transaction. Retention runs on this loop too,
/// so lane state has a single writer. Owned by <see cref="ReadingStore"/>, which completes and disposes it.
/// </summary>
internal sealed class StoreWriter : IReadingWriter, IDisposable
{
    private readonly StoreOptions _options;
    private readonly TimeProvider _time;
    private readonly StoreCounters _counters;
    private readonly ISinkCursors _sinks;
    private readonly HeadSignal _headSignal;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Channel<WriterItem> _channel;
    private readonly LaneClassifier _classifier;
    private readonly List<CaptureReading> _batch = [];
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopLinger = new();
    private readonly GroupPlan _plan = new();
    private IReadOnlyList<LaneState> _lanes = [];
    private LaneCommands[] _commands = [];
    private LogPruner? _pruner;
    private SqliteCommand? _updateLastSeq;
    private SavedDrops? _drops;
    private Task _loop = Task.CompletedTask;
    private static readonly TimeSpan NextPassDelay = TimeSpan.FromMilliseconds(200);
    private ITimer? _retentionTimer;
    private long _nextRetention;
    private volatile bool _diskFull;
    private volatile bool _completing;
    private int _completeCalls;

    public StoreWriter(StoreOptions options, TimeProvider time, StoreCounters counters, ISinkCursors sinks, HeadSignal headSignal, string path, ILogger logger)
    {
        _options = options;
        _time = time;
        _counters = counters;
        _sinks = sinks;
        _headSignal = headSignal;
        _path = path;
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

    /// <summary>True from <see cref="Start"/> until the loop ends (completed, or failed on a fault it cannot handle).</summary>
    public bool IsRunning => _pruner is not null && !_loop.IsCompleted;

    /// <summary>True while commits fail because the disk (or the page cap) is full.</summary>
    public bool DiskFull => _diskFull;

    /// <summary>True while the file system is below the free-disk floor.</summary>
    public bool BelowDiskFloor => _pruner?.BelowDiskFloor ?? false;

    /// <inheritdoc />
    public bool TryWrite(CaptureReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (_channel.Writer.TryWrite(WriterItem.ForReading(reading)))
        {
            return true;
        }

        _counters.AddDropped(_channel.Reader.Completion.IsCompleted || _completing ? DropReason.Stopped : DropReason.ChannelFull, 1);
        return false;
    }

    /// <inheritdoc />
    public async ValueTask<bool> WriteAsync(CaptureReading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var item = WriterItem.ForReading(reading);
        if (_channel.Writer.TryWrite(item))
        {
            return true;
        }

        try
        {
            await _channel.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            _counters.AddDropped(DropReason.Stopped, 1);
            return false;
        }
    }

    /// <summary>Completes once every reading written before this call is committed (or dropped and counted).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => SendControlAsync(WriterControl.Flush, cancellationToken);

    /// <summary>Runs retention now and completes when it is done.</summary>
    public Task RunRetentionAsync(CancellationToken cancellationToken) => SendControlAsync(WriterControl.Retention, cancellationToken);

    /// <summary>
    /// Starts the loop on <paramref name="connection"/> (the store's write connection) over the open store's
    /// <paramref name="lanes"/>, whose state only this writer changes from now on; <paramref name="savedDrops"/> are
    /// the drop counts the file holds, by reason.
    /// </summary>
    public void Start(SqliteConnection connection, IReadOnlyList<LaneState> lanes, IReadOnlyList<long> savedDrops)
    {
        _lanes = lanes;
        _commands = [new LaneCommands(connection, Lane.High), new LaneCommands(connection, Lane.Normal)];
        _pruner = new LogPruner(_commands, _options, _time, _sinks, _path, _logger);
        _updateLastSeq = connection.CreateCommand();
        _updateLastSeq.CommandText = StoreSql.UpdateLastSeq;
        _updateLastSeq.Parameters.Add("$seq", SqliteType.Integer);
        _updateLastSeq.Parameters.Add("$lane", SqliteType.Integer);
        _drops = new SavedDrops(connection, _counters, savedDrops);
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
        // StoreService.StopAsync completes the writer before ReadingStore.DisposeAsync does: the second call only waits.
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
        _drops?.Dispose();
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

            SaveLateDrops(connection);
        }
        catch (Exception ex)
        {
            // A bug or an I/O fault the store cannot handle: say so loudly; capture keeps counting drops.
            Log.WriterFailed(_logger, ex);
            _completing = true;
            _channel.Writer.TryComplete(ex);
            while (reader.TryRead(out var item))
            {
                _counters.AddDropped(DropReason.Stopped, item.Reading is null ? 0 : 1);
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
                    Log.DiskFullRecovered(_logger, _path);
                }

                return;
            }
            catch (Exception ex) when (StoreFile.IsDiskFull(ex))
            {
                _counters.AddDiskFull();
                if (!_diskFull)
                {
                    Log.DiskFull(_logger, _path, _batch.Count, _options.DiskFullRetryInterval);
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
                    _counters.AddDropped(DropReason.DiskFull, _batch.Count);
                    return;
                }
            }
        }
    }

    /// <summary>The disk is full and the policy is drop-oldest: delete the oldest normal readings to reuse their pages.</summary>
    private bool TryMakeRoom(SqliteConnection connection, int count)
    {
        if (_lanes[(int)Lane.Normal].Rows == 0)
        {
            return false;
        }

        try
        {
            _plan.Reset(_lanes);
            using var transaction = connection.BeginTransaction();
            _pruner!.Evict(transaction, _plan, Lane.Normal, Math.Max(count, 1), 0, DropReason.DiskFull);
            SaveDrops(transaction);
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
        var pruner = _pruner!;
        plan.Reset(_lanes);
        var belowFloor = pruner.BelowDiskFloor;
        using (var transaction = connection.BeginTransaction())
        {
            foreach (var reading in _batch)
            {
                var lane = _classifier.Classify(reading.Type);
                var bytes = StoreSchema.RowBytes(reading.Type, reading.Source, reading.Key, reading.PayloadJson.Length);
                if (pruner.Refuses(plan, lane, bytes, belowFloor))
                {
                    continue;
                }

                _commands[(int)lane].Insert(transaction, plan[lane].Append(bytes), reading);
            }

            pruner.MakeRoom(transaction, plan, belowFloor);
            UpdateLastSeq(transaction);
            SaveDrops(transaction);
            transaction.Commit();
        }

        ApplyPlan();
    }

    private void UpdateLastSeq(SqliteTransaction transaction)
    {
        var command = _updateLastSeq!;
        command.Transaction = transaction;
        foreach (var lane in (ReadOnlySpan<Lane>)[Lane.High, Lane.Normal])
        {
            if (_plan[lane].Appended > 0)
            {
                command.Parameters[0].Value = _plan[lane].Head;
                command.Parameters[1].Value = (int)lane;
                command.ExecuteNonQuery();
            }
        }
    }

    /// <summary>Saves the drop counters with the transaction's other changes (this plan's drops included).</summary>
    private void SaveDrops(SqliteTransaction transaction) => _drops!.Save(transaction, _plan.Drops);

    /// <summary>Drops counted after the last commit (e.g. the channel overflowing during shutdown) are saved on the way out.</summary>
    private void SaveLateDrops(SqliteConnection connection)
    {
        try
        {
            _plan.Reset(_lanes);
            using var transaction = connection.BeginTransaction();
            SaveDrops(transaction);
            transaction.Commit();
            ApplyPlan();
        }
        catch (Exception ex) when (StoreFile.IsDiskFull(ex))
        {
            // Best effort: the counts in memory are still logged with the final stats line.
        }
    }

    /// <summary>After a commit: publish the new lane state and counters, then wake waiting sinks.</summary>
    private void ApplyPlan()
    {
        var plan = _plan;
        var appended = plan.High.ApplyTo(_lanes[(int)Lane.High]) | plan.Normal.ApplyTo(_lanes[(int)Lane.Normal]);
        _drops!.Committed();
        for (var r = 0; r < plan.Drops.Length; r++)
        {
            _counters.AddDropped((DropReason)r, plan.Drops[r]);
        }

        if (appended)
        {
            _counters.AddCommit(plan.High.Appended + plan.Normal.Appended, plan.WrittenBytes);
            _headSignal.Signal();
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
            _counters.AddDiskFull();
            return 0;
        }
    }

    /// <summary>Deletes what every enabled sink has passed, then readings older than the TTL; re-checks the disk floor.</summary>
    private long RunRetention(SqliteConnection connection)
    {
        _plan.Reset(_lanes);
        bool more;
        using (var transaction = connection.BeginTransaction())
        {
            more = _pruner!.Retain(transaction, _plan, Lane.High) | _pruner.Retain(transaction, _plan, Lane.Normal);
            SaveDrops(transaction);
            transaction.Commit();
        }

        var deleted = _plan.High.Deleted + _plan.Normal.Deleted;
        ApplyPlan();
        _pruner.CheckDiskFloor();
        if (more)
        {
            // The next pass comes shortly, not at once: between passes the write lock is free for sinks' cursor saves
            // (20,000 rows per 200 ms still deletes faster than any sink drains).
            _nextRetention = _time.GetTimestamp() + (long)(NextPassDelay.TotalSeconds * _time.TimestampFrequency);
            if (!_completing)
            {
                try
                {
                    _retentionTimer?.Change(NextPassDelay, _options.RetentionInterval);
                }
                catch (ObjectDisposedException)
                {
                    // Completing raced us: no further pass is wanted.
                }
            }
        }

        return deleted;
    }
}
