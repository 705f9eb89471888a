using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Hybrid.Edge.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// <see cref="IMqttClient"/> over libmosquitto. One dedicated thread runs <c>mosquitto_loop</c> (network I/O and
/// every callback) and owns connecting and the backoff between attempts; other threads only publish and subscribe,
/// which libmosquitto queues and wakes the loop for (<c>mosquitto_threaded_set</c>).
/// Callbacks find this object through a <see cref="GCHandle"/> passed as libmosquitto's userdata, copy what they need,
/// complete a task or write to a channel, and return; they never throw into native code.
/// </summary>
internal sealed partial class MosquittoClient : IMqttClient
{
    private static readonly byte[] Online = "online"u8.ToArray();
    private static readonly byte[] Offline = "offline"u8.ToArray();

    // An early ack is claimed within microseconds by the publish that races it; one older than this was never tracked.
    private static readonly TimeSpan EarlyAckLifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    private readonly MqttClientSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReconnectBackoff _backoff;
    private readonly SafeMosquittoHandle _handle;
    private readonly GCHandle _self;
    private readonly ConcurrentDictionary<int, PendingPublish> _pending = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<PublishResult>?> _pendingSubscribes = new();
    private readonly List<(string Filter, int Qos)> _subscriptions = [];
    private readonly Lock _subscriptionsGate = new();
    private readonly Channel<MqttMessage> _messages;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<MqttConnectResult> _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _loop;
    private volatile MqttConnectionState _state;
    private volatile bool _stopRequested;
    private volatile string? _lastLibraryError;
    private volatile string? _refusal;
    private int _generation;
    private long _droppedMessages;
    private long _lastDropLog;
    private int _disposed;

    public MosquittoClient(MqttClientSettings settings, TimeProvider time, ILogger logger)
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

        MosquittoLibrary.AddRef();
        _self = GCHandle.Alloc(this, GCHandleType.Normal);
        _handle = Interop.Mosquitto.New(settings.ClientId, settings.CleanSession, GCHandle.ToIntPtr(_self));
        if (_handle.IsInvalid)
        {
            _self.Free();
            MosquittoLibrary.Release();
            throw new InvalidOperationException($"mosquitto_new failed for client id '{settings.ClientId}' (out of memory or an empty id with a persistent session).");
        }

        Configure();
    }

    public MqttConnectionState State => _state;

    /// <summary>Received messages dropped because the channel was full (the reader fell behind).</summary>
    public long DroppedMessages => Interlocked.Read(ref _droppedMessages);

    public event EventHandler<MqttConnectionEventArgs>? ConnectionChanged;

    public ChannelReader<MqttMessage> Messages => _messages.Reader;

    public async Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.CompareExchange(ref _loop, new Thread(RunLoop) { IsBackground = true, Name = $"mqtt {_settings.ClientId}" }, null) is not null)
        {
            throw new InvalidOperationException("ConnectAsync was already called; the client reconnects by itself.");
        }

        _loop.Start();
        return await _firstAttempt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    public unsafe Task<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var pending = new PendingPublish(qos);
        var generation = Volatile.Read(ref _generation);
        int mid;
        int rc;
        fixed (byte* p = payload.Span)
        {
            rc = Interop.Mosquitto.Publish(_handle, &mid, topic, payload.Length, p, qos, retain);
        }

        var notConnected = rc is Interop.Mosquitto.MOSQ_ERR_NO_CONN or Interop.Mosquitto.MOSQ_ERR_CONN_LOST;
        if (rc != Interop.Mosquitto.MOSQ_ERR_SUCCESS && !(notConnected && qos > 0))
        {
            return Task.FromResult(notConnected
                ? PublishResult.NotConnected
                : PublishResult.Rejected($"publish to '{topic}' refused: {Interop.Mosquitto.ErrorText(rc)}"));
        }

        // QoS >= 1 without a connection: libmosquitto queued the message (with this mid) before it tried to send, and
        // sends it itself after the reconnect, so it is tracked like any publish. Reporting NotConnected here made
        // the sink publish the reading a second time and left the first copy's PUBACK as an orphan "early ack".
        // The loop thread may already have seen the acknowledgement (it runs concurrently with mosquitto_publish
        // returning the mid): whoever adds second finds the other's entry and completes the pair.
        while (!_pending.TryAdd(mid, pending))
        {
            if (!_pending.TryGetValue(mid, out var early))
            {
                continue;
            }

            if (!early.IsEarly)
            {
                // Cannot happen while mids are unique among unacknowledged publishes; never complete it wrongly.
                return Task.FromResult(PublishResult.Rejected($"publish to '{topic}': libmosquitto reused mid {mid} of an unacknowledged publish"));
            }

            if (_time.GetElapsedTime(early.Created) <= EarlyAckLifetime)
            {
                return _pending.TryRemove(new KeyValuePair<int, PendingPublish>(mid, early)) ? Task.FromResult(early.EarlyResult) : Task.FromResult(PublishResult.Acknowledged);
            }

            // An ack nobody claimed (its publish was never tracked) must not complete a later publish that reuses the
            // mid after the counter wrapped: drop it and wait for this publish's own acknowledgement.
            _pending.TryRemove(new KeyValuePair<int, PendingPublish>(mid, early));
        }

        // A QoS 0 packet queued just before a disconnect is dropped by libmosquitto without a callback.
        if (qos == 0 && generation != Volatile.Read(ref _generation) && _pending.TryRemove(mid, out _))
        {
            return Task.FromResult(PublishResult.NotConnected);
        }

        return cancellationToken.CanBeCanceled ? pending.Task.WaitAsync(cancellationToken) : pending.Task;
    }

    public unsafe Task<PublishResult> SubscribeAsync(string filter, int qos, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_subscriptionsGate)
        {
            if (!_subscriptions.Contains((filter, qos)))
            {
                _subscriptions.Add((filter, qos));
            }
        }

        var tcs = new TaskCompletionSource<PublishResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        int mid;
        var rc = Interop.Mosquitto.Subscribe(_handle, &mid, filter, qos);
        if (rc == Interop.Mosquitto.MOSQ_ERR_NO_CONN)
        {
            // Made by the connect callback once connected.
            return Task.FromResult(PublishResult.NotConnected);
        }

        if (rc != Interop.Mosquitto.MOSQ_ERR_SUCCESS)
        {
            return Task.FromResult(PublishResult.Rejected($"subscribe to '{filter}' refused: {Interop.Mosquitto.ErrorText(rc)}"));
        }

        if (!_pendingSubscribes.TryAdd(mid, tcs))
        {
            _pendingSubscribes.TryRemove(mid, out _);
            return Task.FromResult(PublishResult.Acknowledged);
        }

        return tcs.Task.WaitAsync(cancellationToken);
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
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                _ = await PublishAsync(_settings.StatusTopic, Offline, 1, true, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stopRequested = true;
        _ = Interop.Mosquitto.Disconnect(_handle);
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await Task.Run(() => loop.Join(TimeSpan.FromSeconds(5)), CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        _firstAttempt.TrySetResult(MqttConnectResult.Failure("the client was disposed"));
        FailPending(qosZeroOnly: false);
        foreach (var key in _pendingSubscribes.Keys)
        {
            if (_pendingSubscribes.TryRemove(key, out var tcs))
            {
                tcs?.TrySetResult(PublishResult.NotConnected);
            }
        }

        _messages.Writer.TryComplete();
        if (_loop is { IsAlive: true })
        {
            // The loop thread is stuck in a blocking connect (e.g. a black-holed address); destroying the handle under
            // it would be a use-after-free, so leak this one instance instead.
            Log.MqttLoopStuck(_logger, _settings.ClientId);
            return;
        }

        _handle.Dispose();
        _self.Free();
        MosquittoLibrary.Release();
        _stop.Dispose();
    }

    private unsafe void Configure()
    {
        var version = _settings.ProtocolVersion == MqttProtocolVersion.V5 ? Interop.Mosquitto.MQTT_PROTOCOL_V5 : Interop.Mosquitto.MQTT_PROTOCOL_V311;
        Check(Interop.Mosquitto.IntOption(_handle, Interop.Mosquitto.MOSQ_OPT_PROTOCOL_VERSION, version), "Hybrid:Mqtt:ProtocolVersion");
        Check(Interop.Mosquitto.ThreadedSet(_handle, true), "threaded mode");
        Check(Interop.Mosquitto.MaxInflightMessagesSet(_handle, (uint)_settings.InflightWindow), "Hybrid:Mqtt:InflightWindow");
        _ = Interop.Mosquitto.IntOption(_handle, Interop.Mosquitto.MOSQ_OPT_TCP_NODELAY, 1);
        if (_settings.Username is not null)
        {
            Check(Interop.Mosquitto.UsernamePasswordSet(_handle, _settings.Username, _settings.Password), "Hybrid:Mqtt:Username");
        }

        var tls = _settings.Tls;
        if (tls.Enabled)
        {
            var rc = Interop.Mosquitto.TlsSet(_handle, NullIfEmpty(tls.CaFile), null, NullIfEmpty(tls.CertFile), NullIfEmpty(tls.KeyFile), IntPtr.Zero);
            if (rc != Interop.Mosquitto.MOSQ_ERR_SUCCESS)
            {
                throw new MqttConfigurationException($"Hybrid:Mqtt:Tls: libmosquitto refused the TLS files (CaFile '{tls.CaFile}', CertFile '{tls.CertFile}', KeyFile '{tls.KeyFile}'): {Interop.Mosquitto.ErrorText(rc)}. Check that the files exist, are readable PEM, and that CertFile and KeyFile are given together.");
            }

            Check(Interop.Mosquitto.TlsInsecureSet(_handle, tls.Insecure), "Hybrid:Mqtt:Tls:Insecure");
        }

        if (_settings.StatusTopic is not null)
        {
            fixed (byte* p = Offline)
            {
                Check(Interop.Mosquitto.WillSet(_handle, _settings.StatusTopic, Offline.Length, p, 1, true), "Hybrid:Mqtt:TopicPrefix (last will)");
            }
        }

        Interop.Mosquitto.ConnectV5CallbackSet(_handle, &OnConnect);
        Interop.Mosquitto.DisconnectCallbackSet(_handle, &OnDisconnect);
        Interop.Mosquitto.PublishV5CallbackSet(_handle, &OnPublish);
        Interop.Mosquitto.MessageCallbackSet(_handle, &OnMessage);
        Interop.Mosquitto.SubscribeCallbackSet(_handle, &OnSubscribe);
        Interop.Mosquitto.LogCallbackSet(_handle, &OnLog);

        static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
    }

    private static void Check(int rc, string setting)
    {
        if (rc != Interop.Mosquitto.MOSQ_ERR_SUCCESS)
        {
            throw new MqttConfigurationException($"{setting}: libmosquitto refused the value: {Interop.Mosquitto.ErrorText(rc)}.");
        }
    }

    private void RunLoop()
    {
        var attempt = 0;
        var first = true;
        var socketOpen = false;
        var nextDelay = TimeSpan.Zero;
        long connectStarted = 0;
        long stopDeadline = 0;
        while (true)
        {
            if (_stopRequested)
            {
                // Let the loop write the DISCONNECT (and the offline status) before leaving, but not forever.
                if (!socketOpen)
                {
                    break;
                }

                if (stopDeadline == 0)
                {
                    stopDeadline = _time.GetTimestamp();
                }
                else if (_time.GetElapsedTime(stopDeadline) > TimeSpan.FromSeconds(2))
                {
                    break;
                }
            }

            if (!socketOpen)
            {
                if (attempt > 0 && !Sleep(nextDelay))
                {
                    break;
                }

                SetState(MqttConnectionState.Connecting, null, null);
                _refusal = null;
                _lastLibraryError = null;
                var rc = first
                    ? Interop.Mosquitto.Connect(_handle, _settings.Host, _settings.Port, (int)_settings.KeepAlive.TotalSeconds)
                    : Interop.Mosquitto.Reconnect(_handle);
                var errno = Marshal.GetLastSystemError();
                first = false;
                if (rc != Interop.Mosquitto.MOSQ_ERR_SUCCESS)
                {
                    attempt++;
                    nextDelay = _backoff.DelayFor(attempt);
                    ReportFailure(DescribeConnectFailure(rc, errno), nextDelay);
                    continue;
                }

                socketOpen = true;
                connectStarted = _time.GetTimestamp();
            }

            var connecting = _state != MqttConnectionState.Connected;
            var loopRc = Interop.Mosquitto.Loop(_handle, connecting ? 100 : 1000, 1);
            var loopErrno = Marshal.GetLastSystemError();
            if (loopRc != Interop.Mosquitto.MOSQ_ERR_SUCCESS)
            {
                socketOpen = false;
                var wasConnected = _state == MqttConnectionState.Connected;
                Interlocked.Increment(ref _generation);
                FailPending(qosZeroOnly: true);
                if (_stopRequested)
                {
                    SetState(MqttConnectionState.Disconnected, null, null);
                    break;
                }

                // After a working connection the first retry waits the minimum; failures in a row back off further.
                attempt = wasConnected ? 1 : attempt + 1;
                nextDelay = _backoff.DelayFor(attempt);
                var reason = _refusal ?? (wasConnected ? $"connection to {Endpoint} lost: {DescribeLoopFailure(loopRc, loopErrno)}" : DescribeConnectFailure(loopRc, loopErrno));
                ReportFailure(reason, nextDelay);
            }
            else if (connecting && _state == MqttConnectionState.Connecting && _time.GetElapsedTime(connectStarted) > _settings.ConnectTimeout)
            {
                _refusal = $"cannot connect to MQTT broker {Endpoint}: no CONNACK within {_settings.ConnectTimeout} (Hybrid:Mqtt:ConnectTimeout); is it an MQTT listener, and TLS matching Hybrid:Mqtt:Tls:Enabled?";
                _ = Interop.Mosquitto.Disconnect(_handle);
                connectStarted = _time.GetTimestamp();
            }
        }
    }

    private string Endpoint => $"{_settings.Host}:{_settings.Port}";

    private string DescribeConnectFailure(int rc, int errno)
    {
        var detail = _lastLibraryError;
        return rc switch
        {
            Interop.Mosquitto.MOSQ_ERR_TLS or Interop.Mosquitto.MOSQ_ERR_TLS_HANDSHAKE =>
                $"TLS handshake with MQTT broker {Endpoint} failed: {detail ?? Interop.Mosquitto.ErrorText(rc)}; check Hybrid:Mqtt:Tls:CaFile (the CA that signed the broker certificate), the broker host name, and the client certificate",
            Interop.Mosquitto.MOSQ_ERR_ERRNO or Interop.Mosquitto.MOSQ_ERR_EAI or Interop.Mosquitto.MOSQ_ERR_NO_CONN or Interop.Mosquitto.MOSQ_ERR_CONN_LOST =>
                $"cannot reach MQTT broker {Endpoint}: {Interop.Mosquitto.ErrorText(rc, errno)}; check Hybrid:Mqtt:Host and Hybrid:Mqtt:Port and that the broker runs",
            _ => $"cannot connect to MQTT broker {Endpoint}: {detail ?? Interop.Mosquitto.ErrorText(rc, errno)}",
        };
    }

    private string DescribeLoopFailure(int rc, int errno) =>
        _lastLibraryError is { } detail && rc is Interop.Mosquitto.MOSQ_ERR_TLS ? detail : Interop.Mosquitto.ErrorText(rc, errno);

    private bool Sleep(TimeSpan delay)
    {
        try
        {
            Task.Delay(delay, _time, _stop.Token).GetAwaiter().GetResult();
            return !_stopRequested;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void ReportFailure(string reason, TimeSpan nextAttemptIn)
    {
        _firstAttempt.TrySetResult(MqttConnectResult.Failure(reason));
        SetState(MqttConnectionState.Disconnected, reason, nextAttemptIn);
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

    private void FailPending(bool qosZeroOnly)
    {
        foreach (var (mid, pending) in _pending)
        {
            if ((!qosZeroOnly || pending.Qos == 0) && _pending.TryRemove(new KeyValuePair<int, PendingPublish>(mid, pending)))
            {
                pending.TrySetResult(PublishResult.NotConnected);
            }
        }
    }

    // ---- callbacks: run on the loop thread, inside mosquitto_loop (except OnLog, see there) ----

    private unsafe void HandleConnect(int rc)
    {
        if (rc != 0)
        {
            _refusal = $"MQTT broker {Endpoint} refused the connection: {Interop.Mosquitto.ConnackText(rc, _settings.ProtocolVersion == MqttProtocolVersion.V5)} (CONNACK {rc}); check Hybrid:Mqtt:Username, Hybrid:Mqtt:Password and the broker's ACLs";
            return;
        }

        if (_settings.StatusTopic is not null)
        {
            fixed (byte* p = Online)
            {
                // Tracked like any publish: an untracked ack would leave an "early ack" entry that a later publish
                // reusing the mid (they wrap at 65535) would mistake for its own. The ack cannot arrive before this
                // callback returns, so adding after the call is safe here.
                int mid;
                if (Interop.Mosquitto.Publish(_handle, &mid, _settings.StatusTopic, Online.Length, p, 1, true) == Interop.Mosquitto.MOSQ_ERR_SUCCESS)
                {
                    _pending.TryAdd(mid, new PendingPublish(1));
                }
            }
        }

        lock (_subscriptionsGate)
        {
            foreach (var (filter, qos) in _subscriptions)
            {
                int mid;
                if (Interop.Mosquitto.Subscribe(_handle, &mid, filter, qos) == Interop.Mosquitto.MOSQ_ERR_SUCCESS)
                {
                    _pendingSubscribes.TryAdd(mid, null);
                }
            }
        }

        _firstAttempt.TrySetResult(MqttConnectResult.Success);
        SetState(MqttConnectionState.Connected, null, null);
    }

    private void HandlePublished(int mid, int reasonCode)
    {
        // MQTT 5 reason codes ≥ 0x80 are refusals (e.g. 0x87 not authorized); 0x10 "no matching subscribers" is fine.
        var result = reasonCode < 0x80
            ? PublishResult.Acknowledged
            : PublishResult.Rejected($"broker refused the publish: {Interop.Mosquitto.ConnackText(reasonCode, v5: true)} (reason {reasonCode})");
        if (_pending.TryRemove(mid, out var pending))
        {
            pending.TrySetResult(result);
        }
        else if (!_pending.TryAdd(mid, PendingPublish.Early(result, _time.GetTimestamp())) && _pending.TryRemove(mid, out pending))
        {
            pending.TrySetResult(result);
        }
    }

    private void HandleSubscribed(int mid, int grantedQos)
    {
        var result = grantedQos is >= 0 and <= 2
            ? PublishResult.Acknowledged
            : PublishResult.Rejected($"broker refused the subscription (granted QoS {grantedQos}); check the broker's ACLs");
        if (_pendingSubscribes.TryRemove(mid, out var tcs))
        {
            tcs?.TrySetResult(result);
        }
        else if (!_pendingSubscribes.TryAdd(mid, null) && _pendingSubscribes.TryRemove(mid, out tcs))
        {
            tcs?.TrySetResult(result);
        }
    }

    private unsafe void HandleMessage(Interop.Mosquitto.Message* message)
    {
        var topic = Marshal.PtrToStringUTF8((IntPtr)message->Topic) ?? "";
        var payload = message->PayloadLength > 0 ? new ReadOnlySpan<byte>(message->Payload, message->PayloadLength).ToArray() : [];
        if (!_messages.Writer.TryWrite(new MqttMessage(topic, payload, message->Qos, message->Retain != 0)))
        {
            // Say so, but at most every DropLogInterval: a stalled reader would otherwise log every message.
            var dropped = Interlocked.Increment(ref _droppedMessages);
            if (_lastDropLog == 0 || _time.GetElapsedTime(_lastDropLog) >= DropLogInterval)
            {
                _lastDropLog = _time.GetTimestamp();
                Log.MqttReceiveChannelFull(_logger, _settings.ClientId, _settings.ReceiveCapacity, dropped, topic);
            }
        }
    }

    private static MosquittoClient? From(IntPtr obj) => obj == IntPtr.Zero ? null : GCHandle.FromIntPtr(obj).Target as MosquittoClient;

    [UnmanagedCallersOnly]
    private static unsafe void OnConnect(IntPtr mosq, IntPtr obj, int rc, int flags, IntPtr properties)
    {
        try
        {
            From(obj)?.HandleConnect(rc);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Debug.Fail(ex.ToString());
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe void OnDisconnect(IntPtr mosq, IntPtr obj, int rc)
    {
        // The loop's return code carries the reason; nothing to copy here.
    }

    [UnmanagedCallersOnly]
    private static unsafe void OnPublish(IntPtr mosq, IntPtr obj, int mid, int reasonCode, IntPtr properties)
    {
        try
        {
            From(obj)?.HandlePublished(mid, reasonCode);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Debug.Fail(ex.ToString());
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe void OnMessage(IntPtr mosq, IntPtr obj, Interop.Mosquitto.Message* message)
    {
        try
        {
            From(obj)?.HandleMessage(message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Debug.Fail(ex.ToString());
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe void OnSubscribe(IntPtr mosq, IntPtr obj, int mid, int qosCount, int* grantedQos)
    {
        try
        {
            From(obj)?.HandleSubscribed(mid, qosCount > 0 ? grantedQos[0] : 128);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Debug.Fail(ex.ToString());
        }
    }

    // libmosquitto also logs from the threads that call it (connect on the loop thread, publish and subscribe on any
    // caller's), so this one may run anywhere: it only replaces a volatile string.
    [UnmanagedCallersOnly]
    private static unsafe void OnLog(IntPtr mosq, IntPtr obj, int level, byte* text)
    {
        try
        {
            if ((level & (Interop.Mosquitto.MOSQ_LOG_ERR | Interop.Mosquitto.MOSQ_LOG_WARNING)) != 0 && From(obj) is { } client)
            {
                client._lastLibraryError = Marshal.PtrToStringUTF8((IntPtr)text);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Debug.Fail(ex.ToString());
        }
    }

    /// <summary>A publish waiting for its acknowledgement, or (when the ack won the race) the ack waiting for its publish.</summary>
    private sealed class PendingPublish(int qos) : TaskCompletionSource<PublishResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public int Qos { get; } = qos;

        public PublishResult EarlyResult { get; private init; }

        /// <summary>True for an acknowledgement that arrived before its publish was registered.</summary>
        public bool IsEarly { get; private init; }

        /// <summary>When an early acknowledgement arrived (<see cref="TimeProvider.GetTimestamp"/>).</summary>
        public long Created { get; private init; }

        public static PendingPublish Early(PublishResult result, long created) => new(-1) { EarlyResult = result, IsEarly = true, Created = created };
    }
}
