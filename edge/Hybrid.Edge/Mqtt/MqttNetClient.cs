using System.Buffers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using Hybrid.Edge.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// <see cref="IMqttClient"/> over one MQTTnet client. A connection task connects, waits for the connection to end and
/// backs off between attempts (<see cref="ReconnectBackoff"/>); publishes go through a <see cref="PublishOutbox"/>,
/// which keeps the inflight window and sends QoS ≥ 1 publishes again after a reconnect (MQTTnet keeps no session
/// state of its own). Failures are turned into one-line reasons that name the setting to fix.
/// </summary>
internal sealed class MqttNetClient : IMqttClient
{
    private static readonly byte[] Online = "online"u8.ToArray();
    private static readonly byte[] Offline = "offline"u8.ToArray();
    private static readonly MqttClientFactory Factory = new();
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly MqttClientSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReconnectBackoff _backoff;
    private readonly MQTTnet.IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly MqttTls? _tls;
    private readonly PublishOutbox _outbox;
    private readonly List<(string Filter, int Qos)> _subscriptions = [];
    private readonly Lock _subscriptionsGate = new();
    private readonly Channel<MqttMessage> _messages;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<MqttConnectResult> _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _started;
    private volatile MqttConnectionState _state;
    private volatile bool _stopRequested;
    private long _droppedMessages;
    private long _lastDropLog;
    private int _disposed;

    /// <summary>Creates the client; throws <see cref="MqttConfigurationException"/> when the TLS files cannot be loaded.</summary>
    public MqttNetClient(MqttClientSettings settings, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _time = time;
        _logger = logger;
        _backoff = new ReconnectBackoff(settings.ReconnectMin, settings.ReconnectMax, new Random());
        _messages = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(settings.ReceiveCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _tls = settings.Tls.Enabled ? MqttTls.Load(settings.Tls) : null;
        _options = BuildOptions(settings, _tls);
        _client = Factory.CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _outbox = new PublishOutbox(new MqttNetPublisher(_client));
    }

    public MqttConnectionState State => _state;

    /// <summary>Received messages dropped because the channel was full (the reader fell behind).</summary>
    public long DroppedMessages => Interlocked.Read(ref _droppedMessages);

    public event EventHandler<MqttConnectionEventArgs>? ConnectionChanged;

    public ChannelReader<MqttMessage> Messages => _messages.Reader;

    private string Endpoint => $"{_settings.Host}:{_settings.Port}";

    public async Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("ConnectAsync was already called; the client reconnects by itself.");
        }

        _loop = Task.Run(RunAsync, CancellationToken.None);
        return await _firstAttempt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    public Task<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var task = _outbox.Publish(topic, payload.Span, qos, retain).Task;
        return cancellationToken.CanBeCanceled && !task.IsCompleted ? task.WaitAsync(cancellationToken) : task;
    }

    public async Task<PublishResult> SubscribeAsync(string filter, int qos, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_subscriptionsGate)
        {
            if (!_subscriptions.Contains((filter, qos)))
            {
                _subscriptions.Add((filter, qos));
            }
        }

        if (_state != MqttConnectionState.Connected)
        {
            // Made after the connection is established.
            return PublishResult.NotConnected;
        }

        return await SubscribeNowAsync(filter, qos, cancellationToken).ConfigureAwait(false);
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (_stopRequested)
        {
            return;
        }

        if (_settings.StatusTopic is not null && _state == MqttConnectionState.Connected)
        {
            // A clean DISCONNECT suppresses the will, so say offline ourselves (and wait briefly for the PUBACK).
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StopTimeout);
            try
            {
                _ = await PublishAsync(_settings.StatusTopic, Offline, 1, true, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stopRequested = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(StopTimeout, _time);
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
            {
                // The connection is gone either way.
            }
        }

        if (_loop is { } loop)
        {
            await loop.WaitAsync(TimeSpan.FromSeconds(5), _time, CancellationToken.None).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        SetState(MqttConnectionState.Disconnected, null, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        _firstAttempt.TrySetResult(MqttConnectResult.Failure("the client was disposed"));
        _outbox.Close();
        _messages.Writer.TryComplete();
        _client.Dispose();
        _stop.Dispose();
    }

    private static MqttClientOptions BuildOptions(MqttClientSettings settings, MqttTls? tls)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.Host, settings.Port)
            .WithClientId(settings.ClientId)
            .WithProtocolVersion(settings.ProtocolVersion == MqttProtocolVersion.V5 ? MQTTnet.Formatter.MqttProtocolVersion.V500 : MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithCleanSession(settings.CleanSession)
            .WithKeepAlivePeriod(settings.KeepAlive)
            .WithTimeout(settings.ConnectTimeout)
            // One send per PUBLISH instead of two (fixed header and payload written apart).
            .WithoutPacketFragmentation();
        if (settings.ProtocolVersion == MqttProtocolVersion.V5 && !settings.CleanSession)
        {
            // MQTT 5 ends a session at the disconnect unless it has an expiry; a persistent session outlives it as in 3.1.1.
            builder.WithSessionExpiryInterval(uint.MaxValue);
        }

        if (settings.Username is not null)
        {
            builder.WithCredentials(settings.Username, settings.Password);
        }

        if (tls is not null)
        {
            builder.WithTlsOptions(tls.Options(settings.Host));
        }

        if (settings.StatusTopic is not null)
        {
            builder.WithWillTopic(settings.StatusTopic)
                .WithWillPayload(Offline)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithWillRetain(true);
        }

        var options = builder.Build();
        // Our messages carry only topic, payload, QoS and retain, valid in both protocols: skip MQTTnet's per-publish check.
        options.ValidateFeatures = false;
        return options;
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_stopRequested)
        {
            SetState(MqttConnectionState.Connecting, null, null);
            var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _lost, lost);
            var (failure, receiveMaximum) = await TryConnectAsync().ConfigureAwait(false);
            if (_stopRequested)
            {
                break;
            }

            if (failure is null)
            {
                OnConnected(receiveMaximum);
                string reason;
                try
                {
                    reason = await lost.Task.WaitAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                _outbox.Disconnected();
                if (_stopRequested)
                {
                    break;
                }

                // After a working connection the first retry waits the minimum; failures in a row back off further.
                attempt = 1;
                failure = $"connection to {Endpoint} lost: {reason}";
            }
            else
            {
                attempt++;
            }

            var delay = _backoff.DelayFor(attempt);
            _firstAttempt.TrySetResult(MqttConnectResult.Failure(failure));
            SetState(MqttConnectionState.Disconnected, failure, delay);
            try
            {
                await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _outbox.Disconnected();
    }

    /// <summary>One attempt: null and the broker's Receive Maximum when accepted, else the reason.</summary>
    private async Task<(string? Failure, int ReceiveMaximum)> TryConnectAsync()
    {
        _tls?.Reset();
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
        try
        {
            var result = await _client.ConnectAsync(_options, linked.Token).ConfigureAwait(false);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                return (null, result.ReceiveMaximum is > 0 and var max ? max : ushort.MaxValue);
            }

            return (Refused((int)result.ResultCode, result.ReasonString), 0);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (timeout.IsCancellationRequested && !_stop.IsCancellationRequested)
            {
                return ($"cannot connect to MQTT broker {Endpoint}: no CONNACK within {_settings.ConnectTimeout} (Hybrid:Mqtt:ConnectTimeout); is it an MQTT listener, and TLS matching Hybrid:Mqtt:Tls:Enabled?", 0);
            }

            return (DescribeConnectFailure(ex), 0);
        }
    }

    private string Refused(int code, string? reasonString)
    {
        var v5 = _settings.ProtocolVersion == MqttProtocolVersion.V5;
        var (wire, text) = v5 ? (code, MqttReasonText.Of(code)) : (MqttReasonText.Connack311Code(code), MqttReasonText.Connack311(MqttReasonText.Connack311Code(code)));
        var detail = string.IsNullOrEmpty(reasonString) ? "" : $" \"{reasonString}\"";
        return $"MQTT broker {Endpoint} refused the connection: {text}{detail} (CONNACK {wire}); check Hybrid:Mqtt:Username, Hybrid:Mqtt:Password and the broker's ACLs";
    }

    private string DescribeConnectFailure(Exception error)
    {
        if (_tls?.Failure is { } tlsFailure || Find<AuthenticationException>(error) is not null)
        {
            var detail = _tls?.Failure ?? Innermost(error).Message;
            return $"TLS handshake with MQTT broker {Endpoint} failed: {detail}; check Hybrid:Mqtt:Tls:CaFile (the CA that signed the broker certificate), the broker host name, and the client certificate";
        }

        if (Find<SocketException>(error) is { } socket)
        {
            return $"cannot reach MQTT broker {Endpoint}: {socket.Message}; check Hybrid:Mqtt:Host and Hybrid:Mqtt:Port and that the broker runs";
        }

        return $"cannot connect to MQTT broker {Endpoint}: {Innermost(error).Message}";
    }

    private void OnConnected(int receiveMaximum)
    {
        if (_settings.StatusTopic is not null)
        {
            // Through the outbox like any publish, and first in line: the retained status says online before any reading.
            _ = _outbox.Publish(_settings.StatusTopic, Online, 1, true);
        }

        _outbox.Connected(Math.Min(_settings.InflightWindow, receiveMaximum));
        List<(string Filter, int Qos)> subscriptions;
        lock (_subscriptionsGate)
        {
            subscriptions = [.. _subscriptions];
        }

        foreach (var (filter, qos) in subscriptions)
        {
            _ = SubscribeNowAsync(filter, qos, CancellationToken.None);
        }

        _firstAttempt.TrySetResult(MqttConnectResult.Success);
        SetState(MqttConnectionState.Connected, null, null);
    }

    private async Task<PublishResult> SubscribeNowAsync(string filter, int qos, CancellationToken cancellationToken)
    {
        try
        {
            var options = Factory.CreateSubscribeOptionsBuilder().WithTopicFilter(filter, (MqttQualityOfServiceLevel)qos).Build();
            var result = await _client.SubscribeAsync(options, cancellationToken).ConfigureAwait(false);
            var granted = result.Items.Count > 0 ? (int)result.Items.First().ResultCode : 128;
            return granted is >= 0 and <= 2
                ? PublishResult.Acknowledged
                : PublishResult.Rejected($"broker refused the subscription to '{filter}': {MqttReasonText.Of(granted)} (reason {granted}); check the broker's ACLs");
        }
        catch (Exception ex) when (ex is MqttCommunicationException or ObjectDisposedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return PublishResult.NotConnected;
        }
        catch (Exception ex) when (ex is MqttProtocolViolationException or ArgumentException)
        {
            return PublishResult.Rejected($"subscribe to '{filter}' refused: {ex.Message}");
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // MQTTnet also raises this for a failed attempt; only the end of an accepted connection matters here.
        if (e.ClientWasConnected)
        {
            var reason = e.Exception is { } error
                ? Innermost(error).Message
                : e.Reason is MqttClientDisconnectReason.NormalDisconnection
                    ? "the broker closed the connection"
                    : $"the broker disconnected: {MqttReasonText.Of((int)e.Reason)} (reason {(int)e.Reason})";
            Volatile.Read(ref _lost).TrySetResult(reason);
        }

        return Task.CompletedTask;
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (!_messages.Writer.TryWrite(new MqttMessage(message.Topic, message.Payload.ToArray(), (int)message.QualityOfServiceLevel, message.Retain)))
        {
            // Say so, but at most every DropLogInterval: a stalled reader would otherwise log every message.
            var dropped = Interlocked.Increment(ref _droppedMessages);
            if (_lastDropLog == 0 || _time.GetElapsedTime(_lastDropLog) >= DropLogInterval)
            {
                _lastDropLog = _time.GetTimestamp();
                Log.MqttReceiveChannelFull(_logger, _settings.ClientId, _settings.ReceiveCapacity, dropped, message.Topic);
            }
        }

        return Task.CompletedTask;
    }

    private void SetState(MqttConnectionState state, string? error, TimeSpan? nextAttemptIn)
    {
        var previous = _state;
        _state = state;
        if (state == MqttConnectionState.Connected)
        {
            Volatile.Read(ref _connected).TrySetResult();
        }
        else if (previous == MqttConnectionState.Connected)
        {
            Volatile.Write(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        if ((previous != state || error is not null) && ConnectionChanged is { } handler)
        {
            var args = new MqttConnectionEventArgs(state, error, nextAttemptIn);
            ThreadPool.UnsafeQueueUserWorkItem(
                static s =>
                {
                    try
                    {
                        s.Handler(s.Sender, s.Args);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        Log.MqttHandlerFailed(s.Sender._logger, ex);
                    }
                },
                (Handler: handler, Sender: this, Args: args),
                preferLocal: false);
        }
    }

    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner)
        {
            error = inner;
        }

        return error;
    }
}
