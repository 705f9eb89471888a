using System.Net;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>Wrong credentials against the shared Azurite: typed errors naming the setting, never retried.</summary>
[Collection(Collections.Azurite)]
public sealed class StorageAuthorizationTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task SharedKey_WrongAccountKey_ThrowsTypedAuthenticationErrorForBothServices()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connectionString = fixture.Server.ConnectionString.Replace(AzuriteServer.AccountKey, wrongKey, StringComparison.Ordinal);
        using var clients = new StorageClients(connectionString);
        var sender = new QueueMessageSender(clients.Account, NullLogger<QueueMessageSender>.Instance);
        var store = new TableWatermarkStore(clients.Account, Options.Create(clients.Options), NullLogger<TableWatermarkStore>.Instance);

        var queue = await Assert.ThrowsAsync<StorageRequestException>(() => sender.EnsureQueueAsync("authcheck", default));
        var table = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetAsync("dev", "epoch", default));

        foreach (var error in new[] { queue, table })
        {
            Assert.Equal(HttpStatusCode.Forbidden, error.Status);
            // Azure answers AuthenticationFailed for a bad signature; Azurite answers AuthorizationFailure.
            Assert.True(error.ErrorCode is "AuthenticationFailed" or "AuthorizationFailure", error.ErrorCode);
            Assert.Contains("Hybrid:Storage:ConnectionString", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongKey, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal("CreateQueue authcheck", queue.Operation);
        Assert.StartsWith("CreateTable ", table.Operation, StringComparison.Ordinal);
    }
}

/// <summary>Azurite killed with SIGKILL and restarted: bounded retries end in <see cref="StorageUnavailableException"/>, then work resumes.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task AzuriteKilled_OperationsFailAfterBoundedRetries_ThenRestartedAzuriteWorksWithSameClients()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var clients = new StorageClients(azurite.ConnectionString, maxRetries: 2);
        var sender = new QueueMessageSender(clients.Account, NullLogger<QueueMessageSender>.Instance);
        var store = new TableWatermarkStore(clients.Account, Options.Create(new StorageOptions { WatermarkTable = "outage" }), NullLogger<TableWatermarkStore>.Instance);
        await sender.EnsureQueueAsync("outage", default);
        await sender.SendAsync("outage", "before"u8.ToArray(), default);
        Assert.Equal(WriteOutcome.Success, (await store.TryInsertAsync("d", "e", WatermarkState.Settled(DeliveryLedger.Through(7)), default)).Outcome);

        await azurite.KillAsync();
        var put = await Assert.ThrowsAsync<StorageUnavailableException>(() => sender.SendAsync("outage", "during"u8.ToArray(), default));
        var get = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.GetAsync("d", "e", default));

        // Bounded: MaxRetries retries after the first attempt, then the typed outage ingest answers 503 for.
        Assert.StartsWith("Storage PutMessage outage failed after 3 attempt(s): ", put.Message, StringComparison.Ordinal);
        Assert.StartsWith("Storage GetEntity outage failed after 3 attempt(s): ", get.Message, StringComparison.Ordinal);
        Assert.True(StorageUnavailableException.IsOutage(put));

        // Azurite saves its metadata every few seconds, so a SIGKILL may lose the queue and table themselves: what
        // matters here is that the same clients (with their pooled, now dead connections) work again.
        await azurite.RestartAsync();
        await sender.EnsureQueueAsync("outage", default);
        var queue = clients.Queues.GetQueueClient("outage");
        await queue.ClearMessagesAsync();
        await sender.SendAsync("outage", "after"u8.ToArray(), default);
        var entry = await store.GetAsync("d", "e", default);
        var written = entry is null
            ? await store.TryInsertAsync("d", "e", WatermarkState.Settled(DeliveryLedger.Through(8)), default)
            : await store.TryReplaceAsync("d", "e", WatermarkState.Settled(DeliveryLedger.Through(8)), entry.ETag, default);
        var messages = (await queue.PeekMessagesAsync(32)).Value;

        Assert.Equal(WriteOutcome.Success, written.Outcome);
        Assert.Equal(["after"], messages.Select(m => m.Body.ToString()));
        Assert.Equal(8L, (await store.GetAsync("d", "e", default))!.State.Watermark);
    }
}
