using Hybrid.IntegrationTests.Mqtt;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.EndToEnd;

/// <summary>
/// The independent MQTT reader: <c>mosquitto_sub -v</c> at QoS 1 with its output in a file (a child's captured
/// output keeps only its last megabyte; a chaos run prints more). mosquitto_sub reconnects and subscribes again by
/// itself after the broker restarts.
/// </summary>
internal sealed class TopicRecorder : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("topic");
    private ChildProcess? _process;

    private string FilePath => _directory.File("received.txt");

    /// <summary>Everything received so far, one <c>topic payload</c> line per message.</summary>
    public string Text => File.Exists(FilePath) ? File.ReadAllText(FilePath) : "";

    /// <summary>Subscribes to <paramref name="topic"/> and returns once a probe message published after it has arrived.</summary>
    public static async Task<TopicRecorder> StartAsync(MosquittoBroker broker, string topic)
    {
        var recorder = new TopicRecorder();
        var probe = $"ready-probe/{Guid.NewGuid():N}";
        // exec: the shell becomes mosquitto_sub, so killing the child kills the subscriber.
        recorder._process = ChildProcess.Start("/bin/sh",
            ["-c", $"exec \"$0\" \"$@\" > '{recorder.FilePath}'", Tools.MosquittoSub, "-h", broker.Host, "-p", MqttTestClient.Port(broker), "-q", "1", "-v", "-t", topic, "-t", probe]);
        try
        {
            await MqttTestClient.WaitUntilSubscribedAsync(broker, topic, probe, () => recorder.Text, () => recorder._process.Output);
        }
        catch
        {
            await recorder.DisposeAsync();
            throw;
        }

        return recorder;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _directory.Dispose();
    }
}
