using Hybrid.Edge.Hosting;
using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// Hosts the MQTT sink: one connection with the retained <c>online</c>/<c>offline</c> status (LWT), the sink reading
/// the store's <c>mqtt</c> cursor, and the periodic health message. Every failure is logged as one line; none stops
/// the agent.
/// </summary>
internal sealed class MqttSinkService(
    IOptions<MqttOptions> options,
    IOptions<AgentOptions> agent,
    IServiceProvider services,
    IMqttClientFactory clients,
    IEnumerable<ISinkStatus> statuses,
    MqttStatus status,
    TimeProvider time,
    ILogger<MqttSinkService> logger) : BackgroundService
{
    /// <summary>The store sink name whose cursor the MQTT sink uses.</summary>
    public const string SinkName = "mqtt";

    private const string Role = "sink";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mqtt = options.Value;
        if (!mqtt.Enabled)
        {
            return Task.CompletedTask;
        }

        // A failed sink (e.g. the store could not save its cursor) would otherwise hold retention back for good.
        var backoff = new ReconnectBackoff(mqtt.ReconnectMin, mqtt.ReconnectMax, new Random());
        return Supervisor.RunAsync("MQTT sink", ct => RunOnceAsync(mqtt, ct), backoff, time, logger, stoppingToken);
    }

    /// <summary>Runs the sink until stopped; throws when it failed and should be started again.</summary>
    private async Task RunOnceAsync(MqttOptions mqtt, CancellationToken stoppingToken)
    {
        var device = agent.Value.EffectiveDeviceId;
        var clientId = mqtt.ClientIdFor(device);
        IMqttClient client;
        MqttSinkSettings sinkSettings;
        try
        {
            sinkSettings = MqttSinkSettings.From(mqtt, device);
            client = clients.Create(MqttClientSettings.From(mqtt, clientId, mqtt.StatusTopic(device)));
        }
        catch (MqttConfigurationException ex)
        {
            Log.MqttConfigurationError(logger, Role, ex.Message);
            return;
        }

        var endpoint = $"{mqtt.Host}:{mqtt.Port}";
        client.ConnectionChanged += (_, e) => LogConnection(logger, Role, endpoint, clientId, e);
        await using (client.ConfigureAwait(false))
        {
            try
            {
                _ = await client.ConnectAsync(stoppingToken).ConfigureAwait(false);
                var store = services.GetService<ReadingStore>();
                var sinkLog = store?.GetSink(SinkName);
                using var sink = sinkLog is null ? null : new MqttSink(sinkLog, client, sinkSettings, time, logger);
                if (sink is null)
                {
                    Log.MqttSinkNoStore(logger);
                }

                status.Attach(sink?.Counters, client);
                var health = new MqttHealth(device, sink?.Counters, store, statuses, time);
                using var healthStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var healthTask = PublishHealthAsync(client, health, mqtt.HealthTopic(device), mqtt.HealthInterval, healthStop.Token);
                try
                {
                    // The sink's failure must surface now, not when the health loop ends at shutdown.
                    await (sink?.RunAsync(stoppingToken) ?? Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
                }
                finally
                {
                    await healthStop.CancelAsync().ConfigureAwait(false);
                    await healthTask.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                }
            }
            finally
            {
                status.Detach();
                await client.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
                Log.MqttDisconnected(logger, Role);
            }
        }
    }

    internal static void LogConnection(ILogger logger, string role, string endpoint, string clientId, MqttConnectionEventArgs e)
    {
        if (e.State == MqttConnectionState.Connected)
        {
            Log.MqttConnected(logger, role, endpoint, clientId);
        }
        else if (e.Error is not null)
        {
            Log.MqttConnectionFailed(logger, role, e.Error, e.NextAttemptIn);
        }
    }

    private async Task PublishHealthAsync(IMqttClient client, MqttHealth health, string topic, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (client.State == MqttConnectionState.Connected)
            {
                var payload = await health.NextAsync(client.State, cancellationToken).ConfigureAwait(false);
                _ = await client.PublishAsync(topic, payload, 0, false, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
