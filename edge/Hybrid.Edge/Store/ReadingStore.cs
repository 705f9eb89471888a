using System.Collections.Concurrent;
using Hybrid.Contracts;
using Hybrid.Edge.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Store;

/// <summary>
/// The store-and-forward log: one SQLite file (WAL) in the data directory with one append-only log per lane,
/// a cursor per sink and dead letters. Capture writes through <see cref="Writer"/>; each sink reads through its
/// <see cref="ISinkLog"/> from <see cref="GetSink"/>.
/// </summary>
internal sealed class ReadingStore : IAsyncDisposable, IDisposable
{
    private readonly ILogger<ReadingStore> _logger;
    private readonly ConcurrentDictionary<string, SinkLog> _sinks = new(StringComparer.Ordinal);
    private readonly Lock _openLock = new();
    private readonly HashSet<string> _declaredSinks;
    private LaneState[]? _lanes;
    private SqliteConnection? _writeConnection;
    private TaskCompletionSource _headChanged = NewSignal();

    public ReadingStore(IOptions<StoreOptions> options, IOptions<AgentOptions> agent, TimeProvider time, ILogger<ReadingStore> logger, IEnumerable<StoreSinkRegistration> sinks)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(agent);
        Options = options.Value;
        Time = time;
        _logger = logger;
        DeviceId = agent.Value.EffectiveDeviceId;
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(agent.Value.DataDirectory, Options.FileName));
        _declaredSinks = [.. Options.Sinks, .. sinks.Select(s => s.Name)];
        Writer = new StoreWriter(this, logger);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public string DeviceId { get; }

    public StoreOptions Options { get; }

    public TimeProvider Time { get; }

    public StoreCounters Counters { get; } = new();

    /// <summary>Capture's entry point. Accepts readings before <see cref="Open"/> (they wait in the channel).</summary>
    public StoreWriter Writer { get; }

    /// <summary>True once the store file is open.</summary>
    public bool IsOpen => Volatile.Read(ref _lanes) is not null;

    /// <summary>Set when the last open found a damaged file and started fresh: the path the old file was moved to.</summary>
    public string? QuarantinedTo { get; private set; }

    /// <summary>Names of the sinks retention waits for.</summary>
    public IReadOnlyCollection<string> EnabledSinks => [.. _sinks.Keys.Order(StringComparer.Ordinal)];

    public LaneState Lane(Lane lane) => (_lanes ?? throw NotOpen())[(int)lane];

    /// <summary>Completes at the next commit that moved a lane's head.</summary>
    public Task HeadChanged => Volatile.Read(ref _headChanged).Task;

    /// <summary>
    /// Opens the file (idempotent): integrity check, migrations, lane state, sink cursors. A damaged file is
    /// quarantined and a fresh store with new epochs is created. Throws on a full disk (the caller retries).
    /// </summary>
    public void Open()
    {
        lock (_openLock)
        {
            if (_lanes is not null)
            {
                return;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            SqliteConnection connection;
            LaneState[] lanes;
            try
            {
                (connection, lanes) = OpenChecked();
            }
            catch (Exception ex) when (StoreFile.IsCorruption(ex))
            {
                var movedTo = StoreFile.Quarantine(Path, Time.GetUtcNow());
                Log.StoreQuarantined(_logger, Path, movedTo, ex.Message);
                QuarantinedTo = movedTo;
                (connection, lanes) = OpenChecked();
            }

            _writeConnection = connection;
            foreach (var name in _declaredSinks)
            {
                _sinks.TryAdd(name, new SinkLog(this, name, lanes));
            }

            Volatile.Write(ref _lanes, lanes);
            Log.StoreOpened(_logger, Path, lanes[0].Epoch, lanes[0].HeadSeq, lanes[0].Rows, lanes[1].Epoch, lanes[1].HeadSeq, lanes[1].Rows, string.Join(", ", _sinks.Keys));
        }
    }

    /// <summary>Opens the file and starts the writer loop. Call once after <see cref="Open"/>.</summary>
    public void StartWriter() => Writer.Start(_writeConnection ?? throw NotOpen());

    /// <summary>
    /// The named sink's view of the store. A sink not declared with <c>AddStoreSink</c> or <c>Hybrid:Store:Sinks</c>
    /// is enabled from now on: retention then waits for it too.
    /// </summary>
    public ISinkLog GetSink(string name)
    {
        SinkNames.ThrowIfInvalid(name, nameof(name));
        Open();
        if (_sinks.TryGetValue(name, out var sink))
        {
            return sink;
        }

        // Under the lock: a racing GetOrAdd could build two, and the loser's SQLite connection would never be closed.
        lock (_openLock)
        {
            return _sinks.GetOrAdd(name, n => new SinkLog(this, n, _lanes!));
        }
    }

    /// <summary>The lowest cursor of <paramref name="lane"/> over every enabled sink; null when no sink is enabled.</summary>
    public long? MinCursor(Lane lane)
    {
        long? min = null;
        foreach (var sink in _sinks.Values)
        {
            var cursor = sink.GetCursor(lane);
            min = min is null ? cursor : Math.Min(min.Value, cursor);
        }

        return min;
    }

    /// <summary>Wakes sinks waiting in <see cref="ISinkLog.WaitForReadingsAsync"/>.</summary>
    public void SignalHeadChanged() => Interlocked.Exchange(ref _headChanged, NewSignal()).TrySetResult();

    /// <summary>A snapshot of counts, drops, backlogs and oldest ages for the stats line and <c>status</c>.</summary>
    public async ValueTask<StoreStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var lanes = _lanes ?? throw NotOpen();
        var now = Time.GetUtcNow();
        var sinks = new List<SinkStats>();
        foreach (var sink in _sinks.Values.OrderBy(s => s.Sink, StringComparer.Ordinal))
        {
            sinks.Add(await sink.GetStatsAsync(now, cancellationToken).ConfigureAwait(false));
        }

        return new StoreStats(
            [.. lanes.Select(l => new LaneStats(l.Lane, l.Epoch, l.FirstSeq, l.HeadSeq, l.Rows, l.Bytes))],
            Counters.Written,
            Counters.BytesWritten,
            Counters.Commits,
            DiskWriteBytes.Read(),
            Enum.GetValues<DropReason>().ToDictionary(r => r, Counters.Dropped),
            Writer.QueuedReadings,
            Writer.DiskFull,
            Writer.BelowDiskFloor,
            sinks);
    }

    public async ValueTask DisposeAsync()
    {
        // Bounded: with the disk still full the writer would retry forever; what is left is dropped and counted.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), Time))
        {
            await Writer.CompleteAsync(timeout.Token).ConfigureAwait(false);
        }

        Writer.Dispose();
        foreach (var sink in _sinks.Values)
        {
            sink.Dispose();
        }

        _writeConnection?.Dispose();
    }

    /// <summary>Synchronous disposal for hosts disposed with <c>using</c>: commits what is queued, then closes.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal SqliteConnection OpenConnection() => StoreFile.OpenConnection(Path, Options.Synchronous, Options.MaxPageCount);

    private (SqliteConnection Connection, LaneState[] Lanes) OpenChecked()
    {
        var connection = OpenConnection();
        try
        {
            if (StoreFile.QuickCheck(connection) is { } problem)
            {
                throw new StoreCorruptException($"quick_check: {problem}");
            }

            StoreSchema.Migrate(connection, () => EpochId.New(Time));
            var deviceInFile = StoreSchema.ReadMeta(connection, "device_id");
            if (deviceInFile != DeviceId)
            {
                // The device id is configuration; the file remembers it for `status` and for the log line below.
                if (deviceInFile is not null)
                {
                    Log.DeviceIdChanged(_logger, deviceInFile, DeviceId);
                }

                StoreSchema.WriteMeta(connection, "device_id", DeviceId);
            }

            return (connection, [LoadLane(connection, Store.Lane.High), LoadLane(connection, Store.Lane.Normal)]);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static LaneState LoadLane(SqliteConnection connection, Lane lane)
    {
        var epochKey = StoreSchema.EpochKey(lane);
        var epoch = StoreSchema.ReadMeta(connection, epochKey);
        if (epoch is null || !EpochId.IsValid(epoch))
        {
            throw new StoreCorruptException($"meta.{epochKey} is missing or malformed ('{epoch}')");
        }

        using var command = connection.CreateCommand();
        var table = StoreSchema.LogTable(lane);
        command.CommandText = $"""
            SELECT (SELECT last_seq FROM lanes WHERE lane = $lane), min(seq), max(seq), count(*), coalesce(sum({StoreSchema.RowBytesSql}), 0) FROM {table}
            """;
        command.Parameters.AddWithValue("$lane", (int)lane);
        using var reader = command.ExecuteReader();
        reader.Read();
        var lastSeq = reader.IsDBNull(0) ? throw new StoreCorruptException($"lanes row {(int)lane} is missing") : reader.GetInt64(0);
        var rows = reader.GetInt64(3);
        var head = Math.Max(lastSeq, rows > 0 ? reader.GetInt64(2) : 0);
        var first = rows > 0 ? reader.GetInt64(1) : head + 1;
        return new LaneState(lane, epoch, first, head, rows, reader.GetInt64(4));
    }

    private static InvalidOperationException NotOpen() => new("The store is not open yet.");

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
