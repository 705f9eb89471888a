using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// Hands publishes to MQTTnet with one reused <see cref="MqttApplicationMessage"/>: MQTTnet copies the message's
/// fields into a new PUBLISH packet before <see cref="MQTTnet.IMqttClient.PublishAsync"/> returns, so the message
/// object is free again once the call returned (hence the lock). The payload memory is the pending publish's own
/// pooled copy, valid until its outcome.
/// </summary>
internal sealed class MqttNetPublisher(MQTTnet.IMqttClient client)
{
    private readonly Lock _gate = new();
    private readonly MqttApplicationMessage _message = new();

    public Task<MqttClientPublishResult> SendAsync(PendingPublish pending)
    {
        lock (_gate)
        {
            _message.Topic = pending.Topic;
            _message.Payload = new ReadOnlySequence<byte>(pending.Buffer, 0, pending.Length);
            _message.QualityOfServiceLevel = (MqttQualityOfServiceLevel)pending.Qos;
            _message.Retain = pending.Retain;
            try
            {
                return client.PublishAsync(_message, CancellationToken.None);
            }
            finally
            {
                _message.Payload = ReadOnlySequence<byte>.Empty;
            }
        }
    }
}
