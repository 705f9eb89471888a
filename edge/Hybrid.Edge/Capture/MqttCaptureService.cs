using Hybrid.Edge.Hosting;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Log = Hybrid.Edge.Mqtt.Log;

namespace Hybrid.Edge.Capture;

/// <summary>
/// The <c>mqtt</c> capture source: its own connection (client id <c>{clientId}-capture</c>) subscribed to
/// <c>Hybrid:Mqtt:Capture:Topics</c>; each message becomes a reading written to the store without blocking.
/// </summary>
internal sealed class MqttCaptureService(
    IOptions<MqttOptions> options,
    IOptions<AgentOptions> agent,
    IServiceProvider services,
    IMqttClientFactory clients,
    TimeProvider time,
    ILogger<MqttCaptureService> logger) : BackgroundService
{
    private const string Role = "capture";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mqtt = options.Value;
        if (!mqtt.Capture.Enabled)
        {
            return Task.CompletedTask;
        }

        var writer = services.GetService<IReadingWriter>();
        if (writer is null)
        {
            Log.MqttCaptureNoStore(logger);
            return Task.CompletedTask;
        }

        var backoff = new ReconnectBackoff(mqtt.ReconnectMin, mqtt.ReconnectMax, new Random());
        return Supervisor.RunAsync("MQTT capture", ct => RunOnceAsync(mqtt, writer, ct), backoff, time, logger, stoppingToken);
    }

    /// <summary>Subscribes and captures until stopped; throws when it failed and should be started again.</summary>
    private async Task RunOnceAsync(MqttOptions mqtt, IReadingWriter writer, CancellationToken stoppingToken)
    {
        var device = agent.Value.EffectiveDeviceId;
        var clientId = mqtt.ClientIdFor(device) + "-capture";
        IMqttClient client;
        MqttReadingMapper mapper;
        try
        {
            mapper = CreateMapper(mqtt, device, time);
            client = clients.Create(MqttClientSettings.From(mqtt, clientId, statusTopic: null));
        }
        catch (MqttConfigurationException ex)
        {
            Log.MqttConfigurationError(logger, Role, ex.Message);
            return;
        }

        var endpoint = $"{mqtt.Host}:{mqtt.Port}";
        client.ConnectionChanged += (_, e) => MqttSinkService.LogConnection(logger, Role, endpoint, clientId, e);
        await using (client.ConfigureAwait(false))
        {
            try
            {
                _ = await client.ConnectAsync(stoppingToken).ConfigureAwait(false);
                foreach (var filter in mqtt.Capture.Topics)
                {
                    var result = await client.SubscribeAsync(filter, mqtt.Capture.Qos, stoppingToken).ConfigureAwait(false);
                    if (result.Status == PublishStatus.Rejected)
                    {
                        Log.MqttCaptureSubscribeFailed(logger, filter, result.Error ?? "");
                    }
                }

                await foreach (var message in client.Messages.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                {
                    if (mapper.TryMap(message, out var reading) && !writer.TryWrite(reading))
                    {
                        Log.MqttCaptureDropped(logger, message.Topic);
                    }
                }
            }
            finally
            {
                await client.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The mapper with the loop guard: the sink's topics for this device and the status/health topics.</summary>
    internal static MqttReadingMapper CreateMapper(MqttOptions mqtt, string device, TimeProvider time)
    {
        var own = new List<string> { mqtt.StatusTopic(device), mqtt.HealthTopic(device) };
        if (mqtt.Enabled)
        {
            var sink = MqttSinkSettings.From(mqtt, device);
            own.Add(sink.Template.ToFilter(device));
        }

        return new MqttReadingMapper(mqtt.Capture.TypeMap, own, time);
    }
}
