using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>
/// The Entra ID path (bearer tokens, no key) against a real Azurite in OAuth mode (<c>--oauth basic</c>, which needs
/// HTTPS and checks each token's audience, issuer and lifetime claims, though not its signature).
/// </summary>
public sealed class StorageEntraIdTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("azurite-oauth");
    private readonly int _queuePort = FreePort.Next();
    private readonly int _tablePort = FreePort.Next();
    private ChildProcess? _azurite;
    private X509Certificate2? _certificate;

    public async Task InitializeAsync()
    {
        await using (var openssl = ChildProcess.Start("openssl",
        [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", _directory.File("key.pem"), "-out", _directory.File("cert.pem"),
        ]))
        {
            Assert.Equal(0, await openssl.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        _certificate = X509CertificateLoader.LoadCertificateFromFile(_directory.File("cert.pem"));
        _azurite = ChildProcess.Start(RepositoryPaths.NodeTool("azurite"),
        [
            "--silent", "--location", _directory.File("data"),
            "--blobHost", "127.0.0.1", "--blobPort", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", _queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", _tablePort.ToString(CultureInfo.InvariantCulture),
            "--oauth", "basic", "--cert", _directory.File("cert.pem"), "--key", _directory.File("key.pem"),
            // No --skipApiVersionCheck here: Azurite's strict check proves the x-ms-version values the SDKs send are known.
            "--disableTelemetry",
        ]);
        await FreePort.WaitUntilListeningAsync(_queuePort, TimeSpan.FromSeconds(60), () => _azurite.Output);
        await FreePort.WaitUntilListeningAsync(_tablePort, TimeSpan.FromSeconds(60), () => _azurite.Output);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _certificate?.Dispose();
        _directory.Dispose();
    }

    private StorageClientsForToken Create(TokenCredential credential)
    {
        var thumbprint = _certificate!.Thumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint,
        };
        var options = new StorageOptions
        {
            AccountName = "devstoreaccount1",
            QueueEndpoint = new Uri($"https://127.0.0.1:{_queuePort}/devstoreaccount1"),
            TableEndpoint = new Uri($"https://127.0.0.1:{_tablePort}/devstoreaccount1"),
            MaxRetries = 1,
        };
        return new StorageClientsForToken(new StorageAccountClients(options, NullLogger.Instance, credential, new HttpClientTransport(handler)), options);
    }

    [Fact]
    public async Task BearerToken_AzuriteInOAuthMode_QueueAndTableWorkWithoutAKey()
    {
        var credential = new UnsignedJwtCredential("https://storage.azure.com");
        using var clients = Create(credential);
        var sender = new QueueMessageSender(clients.Account, NullLogger<QueueMessageSender>.Instance);
        var store = new TableWatermarkStore(clients.Account, Options.Create(clients.Options), NullLogger<TableWatermarkStore>.Instance);
        var probe = new StorageHealthProbe(clients.Account, NullLogger<StorageHealthProbe>.Instance);

        Assert.True(clients.Account.UsesIdentity);
        await sender.EnsureQueueAsync("entra", default);
        await sender.SendAsync("entra", "by token"u8.ToArray(), default);
        var message = Assert.Single((await clients.Account.Queues.GetQueueClient("entra").PeekMessagesAsync(32)).Value);
        var inserted = await store.TryInsertAsync("d", "e", WatermarkState.Settled(DeliveryLedger.Through(12)), default);
        var entry = await store.GetAsync("d", "e", default);
        var health = await probe.CheckAsync(default);

        Assert.Equal("by token"u8.ToArray(), message.Body.ToArray());
        Assert.Equal(WriteOutcome.Success, inserted.Outcome);
        Assert.Equal(12L, entry!.State.Watermark);
        Assert.Null(health);
        // Each of the four service clients (queues, tables, and their unretried probe twins) asks once and then
        // reuses its cached token for every further request.
        Assert.Equal(4, credential.Calls);
    }

    [Fact]
    public async Task BearerToken_WrongAudience_ThrowsTypedErrorWithRoleHint()
    {
        using var clients = Create(new UnsignedJwtCredential("https://vault.azure.net"));

        var error = await Assert.ThrowsAsync<StorageRequestException>(
            () => new QueueMessageSender(clients.Account, NullLogger<QueueMessageSender>.Instance).EnsureQueueAsync("entra", default));

        Assert.True(error.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, error.Message);
        Assert.Equal("AuthenticationFailed", error.ErrorCode);
        Assert.Contains("Storage Queue Data Contributor", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The account's clients and the options they were made from; disposes the clients.</summary>
    private sealed record StorageClientsForToken(StorageAccountClients Account, StorageOptions Options) : IDisposable
    {
        public void Dispose() => Account.Dispose();
    }

    /// <summary>A well-formed but unsigned JWT as Azurite's basic OAuth mode accepts it: audience, issuer, iat/nbf/exp.</summary>
    private sealed class UnsignedJwtCredential(string audience) : TokenCredential
    {
        private int _calls;

        public int Calls => _calls;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var now = TimeProvider.System.GetUtcNow();
            var header = Base64Url("""{"alg":"RS256","typ":"JWT"}""");
            var payload = Base64Url(
                $$"""{"aud":"{{audience}}","iss":"https://sts.windows.net/ab1f708d-50f6-404c-a006-d71b2ac7a606/","iat":{{now.AddMinutes(-5).ToUnixTimeSeconds()}},"nbf":{{now.AddMinutes(-5).ToUnixTimeSeconds()}},"exp":{{now.AddHours(1).ToUnixTimeSeconds()}},"oid":"11059fcc-5514-4800-b5f8-49808b9cfab6","tid":"ab1f708d-50f6-404c-a006-d71b2ac7a606"}""");
            return ValueTask.FromResult(new AccessToken($"{header}.{payload}.c2lnbmF0dXJl", now.AddHours(1)));
        }

        private static string Base64Url(string json) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
