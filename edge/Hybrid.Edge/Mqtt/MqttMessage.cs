namespace Hybrid.Edge.Mqtt;

/// <summary>A received message, copied out of MQTTnet's buffers.</summary>
internal sealed record MqttMessage(string Topic, byte[] Payload, int Qos, bool Retain);
