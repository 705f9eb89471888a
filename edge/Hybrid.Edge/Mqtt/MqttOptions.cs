using System.ComponentModel.DataAnnotations;

namespace Hybrid.Edge.Mqtt;

/// <summary>MQTT settings, section <c>Hybrid:Mqtt</c> (environment: <c>Hybrid__Mqtt__*</c>).</summary>
internal sealed class MqttOptions
{
    public const string SectionName = "Hybrid:Mqtt";

    /// <summary>Whether the MQTT sink publishes readings (and the status/health topics).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Broker host name or address.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Hybrid:Mqtt:Host is required, e.g. 127.0.0.1 or broker.lan.")]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker port (1883 plain, usually 8883 with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary><c>V311</c> or <c>V5</c>.</summary>
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V311;

    /// <summary>Client id of the sink's connection; empty means <c>hybrid-{device}</c>. The capture source appends <c>-capture</c>.</summary>
    [RegularExpression("^[A-Za-z0-9._-]{0,64}$", ErrorMessage = "Hybrid:Mqtt:ClientId must be up to 64 characters from A-Z a-z 0-9 . _ - ; leave it empty for hybrid-{{device}}.")]
    public string ClientId { get; set; } = "";

    /// <summary>False (default) keeps a persistent session, so QoS ≥ 1 state survives reconnects.</summary>
    public bool CleanSession { get; set; }

    /// <summary>MQTT keepalive.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>User name; empty for anonymous.</summary>
    public string Username { get; set; } = "";

    /// <summary>Password (never logged); prefer the environment variable <c>Hybrid__Mqtt__Password</c>.</summary>
    public string Password { get; set; } = "";

    /// <summary>TLS settings.</summary>
    public MqttTlsOptions Tls { get; set; } = new();

    /// <summary>Prefix of the agent's own topics: <c>{prefix}/{device}/status</c> and <c>{prefix}/{device}/health</c>.</summary>
    [RegularExpression("^[^#+]+$", ErrorMessage = "Hybrid:Mqtt:TopicPrefix must be non-empty without + or #, e.g. hybrid.")]
    public string TopicPrefix { get; set; } = "hybrid";

    /// <summary>Topic of each reading; placeholders <c>{device} {type} {key} {source}</c>.</summary>
    public string TopicTemplate { get; set; } = "hybrid/{device}/{type}";

    /// <summary>Allow empty topic levels (e.g. from an empty <c>{key}</c>); off by default.</summary>
    public bool AllowEmptyLevels { get; set; }

    /// <summary>QoS of readings whose type matches no rule.</summary>
    public int Qos { get; set; } = 1;

    /// <summary>Retain flag of readings whose type matches no rule.</summary>
    public bool Retain { get; set; }

    /// <summary>Per-type QoS/retain, first match wins (e.g. <c>{ "Type": "alert.*", "Qos": 2 }</c>).</summary>
    public List<MqttTypeRule> Rules { get; set; } = [];

    /// <summary>Most readings published but not yet acknowledged; also the client's inflight limit (lowered to the broker's MQTT 5 Receive Maximum).</summary>
    public int InflightWindow { get; set; } = 100;

    /// <summary>First reconnect delay.</summary>
    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the reconnect delay.</summary>
    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one connection attempt may take until the CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval of the health message on <c>{prefix}/{device}/health</c>; 00:00:00 turns it off.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The <c>mqtt</c> capture source.</summary>
    public MqttCaptureOptions Capture { get; set; } = new();

    /// <summary>The sink's client id: <see cref="ClientId"/>, or <c>hybrid-{device}</c> when empty.</summary>
    public string ClientIdFor(string device) => ClientId.Length > 0 ? ClientId : $"hybrid-{device}";

    /// <summary>The retained online/offline topic (also the last will): <c>{prefix}/{device}/status</c>.</summary>
    public string StatusTopic(string device) => $"{TopicPrefix.TrimEnd('/')}/{device}/status";

    /// <summary>The periodic health topic: <c>{prefix}/{device}/health</c>.</summary>
    public string HealthTopic(string device) => $"{TopicPrefix.TrimEnd('/')}/{device}/health";
}

/// <summary>MQTT protocol versions.</summary>
internal enum MqttProtocolVersion
{
    V311,
    V5,
}

/// <summary>TLS settings, section <c>Hybrid:Mqtt:Tls</c>.</summary>
internal sealed class MqttTlsOptions
{
    /// <summary>Connect with TLS.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate.</summary>
    public string CaFile { get; set; } = "";

    /// <summary>PEM client certificate (optional, with <see cref="KeyFile"/>).</summary>
    public string CertFile { get; set; } = "";

    /// <summary>PEM private key of <see cref="CertFile"/> (unencrypted).</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Skip the broker host name check. Only for tests and labs; never the default.</summary>
    public bool Insecure { get; set; }
}

/// <summary>QoS and retain for reading types matching <see cref="Type"/> (exact, or a prefix ending in <c>*</c>).</summary>
internal sealed class MqttTypeRule
{
    public string Type { get; set; } = "";

    public int Qos { get; set; } = 1;

    public bool Retain { get; set; }
}

/// <summary>The <c>mqtt</c> capture source, section <c>Hybrid:Mqtt:Capture</c>.</summary>
internal sealed class MqttCaptureOptions
{
    /// <summary>Subscribe and capture; off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>Topic filters to subscribe to, e.g. <c>zigbee2mqtt/#</c>.</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>Subscription QoS.</summary>
    public int Qos { get; set; } = 1;

    /// <summary>Topic filter → reading type, first match wins; unmatched topics become <c>mqtt.{topic levels}</c>.</summary>
    public List<MqttTypeMapping> TypeMap { get; set; } = [];
}

/// <summary>One topic→type mapping of the capture source.</summary>
internal sealed class MqttTypeMapping
{
    public string Filter { get; set; } = "";

    public string Type { get; set; } = "";
}
