using Hybrid.Contracts;
using Hybrid.Edge.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Store;

/// <summary>
/// The store-and-forward log: one SQLite file (WAL) in the data directory with one append-only log per lane,
/// a cursor per sink and dead letters. Capture writes through <see cref="Writer"/>; each sink reads through its
/// <see cref="ISinkLog"/> from <see cref="GetSink"/>. Owns the writer, the sinks' logs and the write connection.
/// </summary>
internal sealed class ReadingStore : IAsyncDisposable, IDisposable
{
    private readonly ILogger<ReadingStore> _logger;
    private readonly Lock _openLock = new();
    private readonly HashSet<string> _declaredSinks;
    private readonly HeadSignal _headSignal = new();
    private readonly SinkRegistry _sinks;
    private LaneState[]? _lanes;
    private SqliteConnection? _writeConnection;
    private long[] _savedDrops = [];

    public ReadingStore(IOptions<StoreOptions> options, IOptions<AgentOptions> agent, TimeProvider time, ILogger<ReadingStore> logger, IEnumerable<StoreSinkRegistration> sinks)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(agent);
        Options = options.Value;
        Time = time;
        _logger = logger;
        DeviceId = agent.Value.EffectiveDeviceId;
        Path = PathFor(Options, agent.Value);
        _declaredSinks = [.. Options.Sinks, .. sinks.Select(s => s.Name)];
        _sinks = new SinkRegistry(name => new SinkLog(OpenSinkConnection(), name, DeviceId, _lanes!, _headSignal, Time));
        Writer = new StoreWriter(Options, Time, Counters, _sinks, _headSignal, Path, logger);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The database file the settings name: <c>FileName</c> in the agent's data directory.</summary>
    public static string PathFor(StoreOptions store, AgentOptions agent) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(agent.DataDirectory, store.FileName));

    public string DeviceId { get; }

    public StoreOptions Options { get; }

    public TimeProvider Time { get; }

    /// <summary>Counters of this run; drop counts include those saved in the file by earlier runs.</summary>
    public StoreCounters Counters { get; } = new();

    /// <summary>Capture's entry point. Accepts readings before <see cref="Open"/> (they wait in the channel).</summary>
    public StoreWriter Writer { get; }

    /// <summary>True once the store file is open.</summary>
    public bool IsOpen => Volatile.Read(ref _lanes) is not null;

    /// <summary>Set when the last open found a damaged file and started fresh: the path the old file was moved to.</summary>
    public string? QuarantinedTo { get; private set; }

    /// <summary>Names of the sinks retention waits for.</summary>
    public IReadOnlyCollection<string> EnabledSinks => _sinks.Names;

    /// <summary>The state of <paramref name="lane"/>'s log.</summary>
    public LaneState GetLane(Lane lane) => (_lanes ?? throw NotOpen())[(int)lane];

    /// <summary>
    /// Opens the file (idempotent): integrity check, migrations, lane state, drop counters, sink cursors. A damaged
    /// file is quarantined and a fresh store with new epochs is created. Throws on a full disk (the caller retries).
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

            _savedDrops = SavedDrops.Load(connection, Counters);
            _writeConnection = connection;
            Volatile.Write(ref _lanes, lanes);
            foreach (var name in _declaredSinks)
            {
                _sinks.GetOrAdd(name);
            }

            Log.StoreOpened(_logger, Path, lanes[0].Epoch, lanes[0].HeadSeq, lanes[0].Rows, lanes[1].Epoch, lanes[1].HeadSeq, lanes[1].Rows, string.Join(", ", _sinks.Names));
        }
    }

    /// <summary>Starts the writer loop. Call once after <see cref="Open"/>.</summary>
    public void StartWriter() => Writer.Start(_writeConnection ?? throw NotOpen(), _lanes!, _savedDrops);

    /// <summary>
    /// The named sink's view of the store. A sink not declared with <c>AddStoreSink</c> or <c>Hybrid:Store:Sinks</c>
    /// is enabled from now on: retention then waits for it too.
    /// </summary>
    public ISinkLog GetSink(string name)
    {
        SinkNames.ThrowIfInvalid(name, nameof(name));
        Open();
        return _sinks.GetOrAdd(name);
    }

    /// <summary>A snapshot of counts, drops, backlogs and oldest ages for the stats line and <c>status</c>.</summary>
    public async ValueTask<StoreStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var lanes = _lanes ?? throw NotOpen();
        var now = Time.GetUtcNow();
        var sinks = new List<SinkStats>();
        foreach (var sink in _sinks.All)
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
        _sinks.Dispose();
        _writeConnection?.Dispose();
    }

    /// <summary>Synchronous disposal for hosts disposed with <c>using</c>: commits what is queued, then closes.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private SqliteConnection OpenConnection() => StoreFile.OpenConnection(Path, Options.Synchronous, Options.MaxPageCount);

    /// <summary>
    /// A sink's reader: it walks its lane forward once, so SQLite's default 2 MB page cache per connection would only
    /// hold pages it never reads again (≈ 4 MB of a Pi's memory for two sinks draining a backlog); 256 KB keeps the
    /// b-tree's inner pages.
    /// </summary>
    private SqliteConnection OpenSinkConnection()
    {
        var connection = OpenConnection();
        StoreSchema.Execute(connection, "PRAGMA cache_size = -256;");
        return connection;
    }

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

            return (connection, [LoadLane(connection, Lane.High), LoadLane(connection, Lane.Normal)]);
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

        var extent = LaneExtent.Read(connection, lane) ?? throw new StoreCorruptException($"lanes row {(int)lane} is missing");
        return new LaneState(lane, epoch, extent.FirstSeq, extent.HeadSeq, extent.Bytes);
    }

    private static InvalidOperationException NotOpen() => new("The store is not open yet.");
}
