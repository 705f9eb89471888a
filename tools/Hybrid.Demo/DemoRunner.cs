using System.Runtime.CompilerServices;
using Hybrid.Demo.Processes;
using Hybrid.Demo.Services;
using Hybrid.Demo.View;
using Hybrid.Demo.Watch;
using Hybrid.QueueReader.Storage;

namespace Hybrid.Demo;

/// <summary>
/// Runs the whole pipeline on loopback — mosquitto, Azurite, the ingest Function, the edge agent with simulated sensors
/// and MQTT capture — shows it live, and at the end checks that every reading written reached a queue.
/// </summary>
internal sealed class DemoRunner(DemoOptions options, IDemoView view, TextWriter output, TimeProvider time)
{
    /// <summary>How long, after the run, the readings written by then get to arrive in the queues.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The agent finishes its in-flight batch on SIGTERM (up to its ShutdownGrace, 20 s by default).</summary>
    private static readonly TimeSpan AgentStopGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ServiceStopGrace = TimeSpan.FromSeconds(10);

    private readonly List<SupervisedService> _services = [];
    private readonly List<string> _events = [];

    public async Task<int> RunAsync(CancellationToken stop)
    {
        if (await CheckPrerequisitesAsync().ConfigureAwait(false) is { } problem)
        {
            await output.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            return 2;
        }

        PrepareDataDirectory();
        try
        {
            return await RunPipelineAsync(stop).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            await output.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await output.WriteLineAsync("interrupted while starting").ConfigureAwait(false);
            return 130;
        }
        finally
        {
            await StopAllAsync().ConfigureAwait(false);
        }
    }

    private async Task<int> RunPipelineAsync(CancellationToken stop)
    {
        var launcher = new ServiceLauncher(options, time);
        var mosquitto = await StartedAsync("mosquitto", launcher.StartMosquittoAsync, restart: true, stop).ConfigureAwait(false);
        var azurite = await StartedAsync("Azurite", launcher.StartAzuriteAsync, restart: true, stop).ConfigureAwait(false);
        var function = await StartedAsync("the Function", launcher.StartFunctionAsync, restart: true, stop).ConfigureAwait(false);
        await StartedAsync(ServiceLauncher.AgentName, launcher.StartAgentAsync, restart: false, stop).ConfigureAwait(false);
        var publisher = await StartedAsync("mosquitto_pub", _ => Task.FromResult(launcher.StartLocalPublisher()), restart: true, stop).ConfigureAwait(false);

        if (!QueueConnection.TryCreate(options.StorageConnectionString, TimeSpan.FromSeconds(2), out var connection, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var ledger = new DeliveryLedger(DemoOptions.Queues);
        var watcher = new QueueWatcher([.. DemoOptions.Queues.Select(connection!.Open)], ledger);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.Ports.Status}"), Timeout = TimeSpan.FromSeconds(2) };
        var status = new AgentStatusClient(http);
        var sensor = new DoorSensor(publisher, TimeSpan.FromMilliseconds(500), time);
        var hints = new DemoHints(function, mosquitto, azurite, options.DataDirectory);

        using var duration = options.Duration is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop, duration.Token);
        var sensorTask = sensor.RunAsync(running.Token);
        var watcherTask = WatchQueuesAsync(watcher, running.Token, stop);
        var failure = new StrongBox<string?>();
        AgentSnapshot? last = null;
        await view.ShowAsync(SamplesAsync(status, watcher, ledger, hints, failure, s => last = s, running.Token)).ConfigureAwait(false);
        await running.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(sensorTask, watcherTask).ConfigureAwait(false);
        if (failure.Value is { } failed)
        {
            await output.WriteLineAsync($"error: {failed}").ConfigureAwait(false);
            return 1;
        }

        // The cut: no more door events; what the agent has written by now must all arrive.
        await publisher.StopAsync(ServiceStopGrace).ConfigureAwait(false);
        var interrupted = stop.IsCancellationRequested;
        var cut = (interrupted ? null : await status.ReadAsync(CancellationToken.None).ConfigureAwait(false)) ?? last;
        if (cut is null)
        {
            await output.WriteLineAsync("error: the agent's status endpoint never answered; see its log: " + Path.Combine(options.DataDirectory, "edge.log")).ConfigureAwait(false);
            return 1;
        }

        var check = new CompletenessCheck(DemoOptions.DeviceId, cut, ledger);
        if (!interrupted)
        {
            await output.WriteLineAsync($"waiting up to {DrainTimeout.TotalSeconds:0} s for every reading written so far to arrive in the queues").ConfigureAwait(false);
            await check.WaitAsync(watcher.DrainAsync, DrainTimeout, time, CancellationToken.None).ConfigureAwait(false);
        }

        await StopAllAsync().ConfigureAwait(false);
        await output.WriteLineAsync(check.Summary(DemoOptions.Queues, interrupted)).ConfigureAwait(false);
        return interrupted ? 130 : check.Missing() == 0 ? 0 : 1;
    }

    private async IAsyncEnumerable<DemoSample> SamplesAsync(
        AgentStatusClient status,
        QueueWatcher watcher,
        DeliveryLedger ledger,
        DemoHints hints,
        StrongBox<string?> failure,
        Action<AgentSnapshot> onAgent,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await TickAsync(timer, cancellationToken).ConfigureAwait(false))
        {
            if (_services.FirstOrDefault(p => p.IsFatalExit) is { Current: { } exited })
            {
                failure.Value = $"{exited.Name} exited with code {exited.ExitCode}; its log: {exited.LogPath}";
                yield break;
            }

            var elapsed = time.GetElapsedTime(started);
            foreach (var service in _services)
            {
                if (await service.SuperviseAsync(CancellationToken.None).ConfigureAwait(false) is { } note)
                {
                    _events.Add($"{elapsed:mm\\:ss} {note}");
                }
            }

            var agent = await status.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            if (agent is not null)
            {
                onAgent(agent);
            }

            yield return new DemoSample(
                elapsed,
                agent,
                DemoOptions.Queues.ToDictionary(q => q, ledger.Arrived, StringComparer.Ordinal),
                ledger.Duplicates,
                watcher.Undecodable > 0 ? $"{watcher.Undecodable} messages not in the v1 format (left in their queue){(watcher.LastError is { } e ? "; " + e : "")}" : watcher.LastError,
                [.. _events],
                hints.Line);
        }
    }

    /// <summary>Consumes the queues in the background, so a paused Azurite slows the queue counts and not the view.</summary>
    /// <remarks>
    /// When the run's time is up, a pass in progress still ends normally; only Ctrl+C cuts it short. A receive cancelled
    /// after Azurite answered it hides its messages for the watcher's visibility timeout, and the completeness check
    /// that follows would wait that long for their items.
    /// </remarks>
    private async Task WatchQueuesAsync(QueueWatcher watcher, CancellationToken running, CancellationToken stop)
    {
        try
        {
            while (!running.IsCancellationRequested)
            {
                await watcher.DrainAsync(stop).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, running).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            // The run is over; the completeness check reads on.
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<SupervisedService> StartedAsync(string name, Func<CancellationToken, Task<DemoProcess>> start, bool restart, CancellationToken cancellationToken)
    {
        var service = new SupervisedService(name, start, restart, time);
        await service.StartAsync(cancellationToken).ConfigureAwait(false);
        _services.Add(service);
        await output.WriteLineAsync($"started {name} (pid {service.Current!.Id}), log: {service.Current.LogPath}").ConfigureAwait(false);
        return service;
    }

    /// <summary>The agent first (it finishes its in-flight batch and publishes offline), then the services it talks to.</summary>
    private async Task StopAllAsync()
    {
        if (_services.Count == 0)
        {
            return;
        }

        var agent = _services.Where(p => p.Name == ServiceLauncher.AgentName).ToList();
        await Task.WhenAll(agent.Select(p => p.StopAsync(AgentStopGrace))).ConfigureAwait(false);
        await Task.WhenAll(_services.Except(agent).Select(p => p.StopAsync(ServiceStopGrace))).ConfigureAwait(false);
        await output.WriteLineAsync($"stopped {string.Join(", ", _services.Where(p => p.Current is not null).Select(p => $"{p.Name} (pid {p.Current!.Id})"))}").ConfigureAwait(false);
        _services.Clear();
    }

    private async Task<string?> CheckPrerequisitesAsync()
    {
        foreach (var (name, port) in options.Ports.All)
        {
            if (await PortProbe.IsListeningAsync(port, CancellationToken.None).ConfigureAwait(false))
            {
                return $"port {port} for {name} is in use; pass a free one";
            }
        }

        foreach (var (what, path) in new[] { ("the Function", Path.Combine(options.FunctionDirectory, "Hybrid.Functions")), ("the edge agent", options.EdgeAgent), ("Azurite", options.Azurite) })
        {
            if (!File.Exists(path))
            {
                return $"{what} is not at {path}; run ./hybrid demo, which installs and builds what is missing";
            }
        }

        return null;
    }

    /// <summary>Each run starts with an empty store and empty queues, so that its counts stand on their own.</summary>
    private void PrepareDataDirectory()
    {
        Directory.CreateDirectory(options.DataDirectory);
        foreach (var directory in new[] { "edge", "azurite" })
        {
            var path = Path.Combine(options.DataDirectory, directory);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }

        foreach (var log in Directory.EnumerateFiles(options.DataDirectory, "*.log"))
        {
            File.Delete(log);
        }
    }
}
