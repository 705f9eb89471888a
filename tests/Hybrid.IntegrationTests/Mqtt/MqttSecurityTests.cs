using System.Globalization;
using Hybrid.Edge.Mqtt;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Mqtt;

/// <summary>Password file and TLS listener on a dedicated broker; certificates are made with openssl in the test.</summary>
public sealed class MqttSecurityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Connect_PasswordFile_RightPasswordConnectsWrongPasswordFailsWithConnackReason()
    {
        using var dir = new TempDirectory("mqtt-auth");
        var passwords = dir.File("passwd");
        await RunAsync("mosquitto_passwd", "-b", "-c", passwords, "edge", "s3cret");
        await using var broker = await MosquittoBroker.StartAsync([$"password_file {passwords}"], allowAnonymous: false);

        await using (var good = MqttTestClient.Create(MqttTestClient.Settings(broker) with { Username = "edge", Password = "s3cret" }))
        {
            var result = await good.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);
            Assert.True(result.Connected, result.Error);
            Assert.Equal(PublishStatus.Acknowledged, (await good.PublishAsync("t", "x"u8.ToArray(), 1, false, CancellationToken.None).WaitAsync(Timeout)).Status);
        }

        await using var bad = MqttTestClient.Create(MqttTestClient.Settings(broker) with { Username = "edge", Password = "wrong" });
        var refused = await bad.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.False(refused.Connected);
        Assert.Equal(
            $"MQTT broker 127.0.0.1:{broker.Port} refused the connection: Connection Refused: not authorised. (CONNACK 5); check Hybrid:Mqtt:Username, Hybrid:Mqtt:Password and the broker's ACLs",
            refused.Error);
        Assert.DoesNotContain("wrong", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_Mqtt5WrongPassword_FailsWithReasonString()
    {
        using var dir = new TempDirectory("mqtt-auth5");
        var passwords = dir.File("passwd");
        await RunAsync("mosquitto_passwd", "-b", "-c", passwords, "edge", "s3cret");
        await using var broker = await MosquittoBroker.StartAsync([$"password_file {passwords}"], allowAnonymous: false);
        await using var bad = MqttTestClient.Create(MqttTestClient.Settings(broker, version: MqttProtocolVersion.V5) with { Username = "edge", Password = "nope" });

        var refused = await bad.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.False(refused.Connected);
        Assert.Contains("refused the connection: Not authorized (CONNACK 135)", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_TlsListener_TrustedCaConnectsAndPublishesUntrustedCaFailsWithTlsReason()
    {
        using var dir = new TempDirectory("mqtt-tls");
        var (ca, serverCert, serverKey) = await MakeCertificatesAsync(dir, "ca");
        var (otherCa, _, _) = await MakeCertificatesAsync(dir, "other");
        var tlsPort = FreePort.Next();
        await using var broker = await MosquittoBroker.StartAsync(
        [
            $"listener {tlsPort.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            $"cafile {ca}",
            $"certfile {serverCert}",
            $"keyfile {serverKey}",
        ]);
        await FreePort.WaitUntilListeningAsync(tlsPort, Timeout);

        await using (var client = MqttTestClient.Create(MqttTestClient.Settings(broker) with { Port = tlsPort, Tls = new MqttTlsOptions { Enabled = true, CaFile = ca } }))
        {
            var result = await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);
            Assert.True(result.Connected, result.Error);
            var topic = $"tls/{Guid.NewGuid():N}";
            Assert.Equal(PublishStatus.Acknowledged, (await client.PublishAsync(topic, "over-tls"u8.ToArray(), 1, true, CancellationToken.None).WaitAsync(Timeout)).Status);
            // The plain listener of the same broker sees the message published over TLS.
            Assert.Equal("over-tls", await MqttTestClient.ReadRetainedAsync(broker, topic));
        }

        await using var untrusted = MqttTestClient.Create(MqttTestClient.Settings(broker) with { Port = tlsPort, Tls = new MqttTlsOptions { Enabled = true, CaFile = otherCa } });
        var failed = await untrusted.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.False(failed.Connected);
        Assert.StartsWith($"TLS handshake with MQTT broker 127.0.0.1:{tlsPort} failed: ", failed.Error, StringComparison.Ordinal);
        Assert.Contains("certificate verify failed", failed.Error, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Mqtt:Tls:CaFile", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TlsCaFileMissing_ThrowsConfigurationErrorNamingTheSetting()
    {
        var settings = new MqttClientSettings { Host = "127.0.0.1", Port = 1, ClientId = "x", Tls = new MqttTlsOptions { Enabled = true, CaFile = "/nonexistent/ca.pem" } };

        var error = Assert.Throws<MqttConfigurationException>(() => MqttTestClient.Create(settings));

        Assert.StartsWith("Hybrid:Mqtt:Tls: libmosquitto refused the TLS files (CaFile '/nonexistent/ca.pem'", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(string Ca, string Cert, string Key)> MakeCertificatesAsync(TempDirectory dir, string name)
    {
        var caKey = dir.File($"{name}-ca.key");
        var ca = dir.File($"{name}-ca.pem");
        var key = dir.File($"{name}-server.key");
        var csr = dir.File($"{name}-server.csr");
        var cert = dir.File($"{name}-server.pem");
        var ext = dir.File($"{name}-ext.cnf");
        await File.WriteAllTextAsync(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "2", "-subj", $"/CN=hybrid-test-{name}-ca");
        await RunAsync("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1");
        await RunAsync("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext);
        return (ca, cert, key);
    }

    private static async Task RunAsync(string tool, params string[] args)
    {
        await using var process = ChildProcess.Start(tool, args);
        var code = await process.WaitForExitAsync(Timeout);
        Assert.True(code == 0, $"{tool} {string.Join(' ', args)} exited {code}: {process.Output}");
    }
}
