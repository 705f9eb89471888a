using System.Globalization;
using System.Text;

namespace Hybrid.Edge.Mqtt;

/// <summary>Everything one <see cref="MqttNetClient"/> connection needs; built from <see cref="MqttOptions"/>.</summary>
internal sealed record MqttClientSettings
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required string ClientId { get; init; }

    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V311;

    public bool CleanSession { get; init; }

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    public string? Username { get; init; }

    public string? Password { get; init; }

    public MqttTlsOptions Tls { get; init; } = new();

    /// <summary>Retained status topic: LWT <c>offline</c>, <c>online</c> after each CONNACK. Null for none.</summary>
    public string? StatusTopic { get; init; }

    public int InflightWindow { get; init; } = 100;

    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Capacity of the received-message channel; messages beyond it are dropped and counted.</summary>
    public int ReceiveCapacity { get; init; } = 10_000;

    // The compiler-generated ToString prints every property, Password included; settings end up in logs and
    // exception messages, so the password is masked.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Host = {Host}, Port = {Port}, ClientId = {ClientId}, ProtocolVersion = {ProtocolVersion}, CleanSession = {CleanSession}, KeepAlive = {KeepAlive}, ");
        builder.Append(CultureInfo.InvariantCulture, $"Username = {Username}, Password = {(Password is null ? "" : "***")}, Tls = {Tls}, StatusTopic = {StatusTopic}, InflightWindow = {InflightWindow}, ");
        builder.Append(CultureInfo.InvariantCulture, $"ReconnectMin = {ReconnectMin}, ReconnectMax = {ReconnectMax}, ConnectTimeout = {ConnectTimeout}, ReceiveCapacity = {ReceiveCapacity}");
        return true;
    }

    /// <summary>Builds the settings of one connection from the options.</summary>
    public static MqttClientSettings From(MqttOptions options, string clientId, string? statusTopic) => new()
    {
        Host = options.Host,
        Port = options.Port,
        ClientId = clientId,
        ProtocolVersion = options.ProtocolVersion,
        CleanSession = options.CleanSession,
        KeepAlive = options.KeepAlive,
        Username = string.IsNullOrEmpty(options.Username) ? null : options.Username,
        Password = string.IsNullOrEmpty(options.Password) ? null : options.Password,
        Tls = options.Tls,
        StatusTopic = statusTopic,
        InflightWindow = options.InflightWindow,
        ReconnectMin = options.ReconnectMin,
        ReconnectMax = options.ReconnectMax,
        ConnectTimeout = options.ConnectTimeout,
    };
}
