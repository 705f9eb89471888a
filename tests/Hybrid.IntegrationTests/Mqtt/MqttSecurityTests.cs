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
        var (broker, tlsPort) = await StartTlsBrokerAsync(ca, serverCert, serverKey);
        await using var brokerLifetime = broker;

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

        Assert.StartsWith("Hybrid:Mqtt:Tls: cannot load the TLS files (CaFile '/nonexistent/ca.pem'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check that the files exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ListenerRequiresClientCertificate_WithCertificateConnectsWithoutFails()
    {
        using var dir = new TempDirectory("mqtt-mtls");
        var (ca, serverCert, serverKey) = await MakeCertificatesAsync(dir, "ca");
        var (clientCert, clientKey) = await MakeSignedCertificateAsync(dir, "ca", "client", "/CN=hybrid-edge", "extendedKeyUsage=clientAuth\n");
        var (broker, tlsPort) = await StartTlsBrokerAsync(ca, serverCert, serverKey, "require_certificate true");
        await using var brokerLifetime = broker;

        await using (var client = MqttTestClient.Create(MqttTestClient.Settings(broker) with { Port = tlsPort, Tls = new MqttTlsOptions { Enabled = true, CaFile = ca, CertFile = clientCert, KeyFile = clientKey } }))
        {
            var result = await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);
            Assert.True(result.Connected, result.Error);
            var topic = $"mtls/{Guid.NewGuid():N}";
            Assert.Equal(PublishStatus.Acknowledged, (await client.PublishAsync(topic, "with-cert"u8.ToArray(), 1, true, CancellationToken.None).WaitAsync(Timeout)).Status);
            Assert.Equal("with-cert", await MqttTestClient.ReadRetainedAsync(broker, topic));
        }

        await using var anonymous = MqttTestClient.Create(MqttTestClient.Settings(broker) with { Port = tlsPort, Tls = new MqttTlsOptions { Enabled = true, CaFile = ca } });
        var refused = await anonymous.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.False(refused.Connected);
        Assert.StartsWith($"cannot ", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"MQTT broker 127.0.0.1:{tlsPort}", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_CertificateForAnotherHost_FailsNamingTheHostUnlessInsecure()
    {
        using var dir = new TempDirectory("mqtt-host");
        var (ca, serverCert, serverKey) = await MakeCertificatesAsync(dir, "ca", "subjectAltName=DNS:broker.example\n", "/CN=broker.example");
        var (broker, tlsPort) = await StartTlsBrokerAsync(ca, serverCert, serverKey);
        await using var brokerLifetime = broker;

        await using (var strict = MqttTestClient.Create(MqttTestClient.Settings(broker) with { Port = tlsPort, Tls = new MqttTlsOptions { Enabled = true, CaFile = ca } }))
        {
            var failed = await strict.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);

            Assert.False(failed.Connected);
            Assert.StartsWith($"TLS handshake with MQTT broker 127.0.0.1:{tlsPort} failed: certificate verify failed: the broker certificate does not name the host in Hybrid:Mqtt:Host", failed.Error, StringComparison.Ordinal);
        }

        await using var insecure = MqttTestClient.Create(MqttTestClient.Settings(broker) with { Port = tlsPort, Tls = new MqttTlsOptions { Enabled = true, CaFile = ca, Insecure = true } });
        var result = await insecure.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.True(result.Connected, result.Error);
    }

    /// <summary>A broker with its plain listener and a TLS listener on another free port, which it waits for.</summary>
    private static async Task<(MosquittoBroker Broker, int TlsPort)> StartTlsBrokerAsync(string ca, string cert, string key, params string[] extra)
    {
        var tlsPort = FreePort.Next();
        var broker = await MosquittoBroker.StartAsync(
        [
            $"listener {tlsPort.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            $"cafile {ca}",
            $"certfile {cert}",
            $"keyfile {key}",
            .. extra,
        ]);
        await FreePort.WaitUntilListeningAsync(tlsPort, Timeout);
        return (broker, tlsPort);
    }

    private static async Task<(string Ca, string Cert, string Key)> MakeCertificatesAsync(TempDirectory dir, string name, string serverExtensions = "subjectAltName=IP:127.0.0.1,DNS:localhost\n", string serverSubject = "/CN=127.0.0.1")
    {
        var caKey = dir.File($"{name}-ca.key");
        var ca = dir.File($"{name}-ca.pem");
        await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "2", "-subj", $"/CN=hybrid-test-{name}-ca");
        var (cert, key) = await MakeSignedCertificateAsync(dir, name, "server", serverSubject, serverExtensions);
        return (ca, cert, key);
    }

    /// <summary>A key and a certificate signed by the CA <c>{ca}-ca.pem</c> made by <see cref="MakeCertificatesAsync"/>.</summary>
    private static async Task<(string Cert, string Key)> MakeSignedCertificateAsync(TempDirectory dir, string ca, string name, string subject, string extensions)
    {
        var key = dir.File($"{ca}-{name}.key");
        var csr = dir.File($"{ca}-{name}.csr");
        var cert = dir.File($"{ca}-{name}.pem");
        var ext = dir.File($"{ca}-{name}-ext.cnf");
        await File.WriteAllTextAsync(ext, extensions);
        await RunAsync("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", subject);
        await RunAsync("openssl", "x509", "-req", "-in", csr, "-CA", dir.File($"{ca}-ca.pem"), "-CAkey", dir.File($"{ca}-ca.key"), "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext);
        return (cert, key);
    }

    private static async Task RunAsync(string tool, params string[] args)
    {
        await using var process = ChildProcess.Start(tool, args);
        var code = await process.WaitForExitAsync(Timeout);
        Assert.True(code == 0, $"{tool} {string.Join(' ', args)} exited {code}: {process.Output}");
    }
}
