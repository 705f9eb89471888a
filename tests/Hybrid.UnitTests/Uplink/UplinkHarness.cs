using Hybrid.Edge.Store;
using Hybrid.Edge.Uplink;
using Hybrid.Testing;
using Hybrid.UnitTests.Store;

namespace Hybrid.UnitTests.Uplink;

/// <summary>
/// The uplink's loop on a real store (SQLite in a temp directory) posting to a <see cref="ScriptedIngestHandler"/>:
/// the same objects the agent wires up, with short retry delays.
/// </summary>
internal sealed class UplinkHarness : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("uplink");
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly Func<IBatchPreparer>? _createPreparer;
    private UplinkSink? _sink;
    private Task? _run;

    public UplinkHarness(Func<PostedBatch, HttpResponseMessage> answer, Action<UplinkOptions>? configure = null, Func<IBatchPreparer>? createPreparer = null)
    {
        _createPreparer = createPreparer;
        Handler = new ScriptedIngestHandler(answer);
        _http = new HttpClient(Handler);
        Options = new UplinkOptions
        {
            Enabled = true,
            Url = "http://127.0.0.1:9/api/ingest",
            FunctionKey = "secret-key",
            Linger = TimeSpan.Zero,
            RetryMin = TimeSpan.FromMilliseconds(10),
            RetryMax = TimeSpan.FromMilliseconds(50),
            BreakerMinimumThroughput = 1000,
        };
        configure?.Invoke(Options);
        Store = TestStores.Create(_directory.Path, sinks: UplinkService.SinkName);
        Log = Store.GetSink(UplinkService.SinkName);
    }

    public ScriptedIngestHandler Handler { get; }

    public UplinkOptions Options { get; }

    public ReadingStore Store { get; }

    public ISinkLog Log { get; }

    public UplinkStatus Status { get; } = new();

    public RecordingLogger<UplinkSink> Logger { get; } = new();

    public string DatabasePath => Store.Path;

    public Task WriteAsync(int count, string type = "telemetry.temperature") =>
        TestStores.WriteAsync(Store, Enumerable.Range(1, count).Select(i => TestStores.Reading(type: type, key: $"r{i}")));

    public void Start()
    {
        var time = TimeProvider.System;
        var pipeline = UplinkResilience.Build(Options, Status, time, Logger, _stop.Token);
        var sender = new UplinkSender(new IngestClient(_http, Options, time), pipeline, Status);
        _sink = new UplinkSink(Log, sender, Options, Status, time, Logger, _createPreparer);
        _run = _sink.RunAsync(_stop.Token);
    }

    public Task UntilCursorAsync(Lane lane, long seq) =>
        Eventually.UntilAsync(() => Log.GetCursor(lane) >= seq, TimeSpan.FromSeconds(20), () => $"cursor {Log.GetCursor(lane)}, status {Describe()}");

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public string Describe()
    {
        var line = new System.Text.StringBuilder();
        Status.AppendTo(line);
        return line.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _sink?.Dispose();
        _http.Dispose();
        await Store.DisposeAsync();
        _stop.Dispose();
        _directory.Dispose();
    }
}
