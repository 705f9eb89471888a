using System.Net;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>Wrong credentials against the shared Azurite: typed errors, never retried.</summary>
[Collection(Collections.Azurite)]
public sealed class StorageAuthorizationTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task SharedKey_WrongAccountKey_ThrowsTypedAuthenticationErrorForBothServices()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connectionString = fixture.Server.ConnectionString.Replace(AzuriteServer.AccountKey, wrongKey, StringComparison.Ordinal);
        using var clients = new StorageClients(connectionString);

        var queue = await Assert.ThrowsAsync<StorageRequestException>(() => clients.Queues.CreateQueueIfNotExistsAsync("authcheck", default));
        var table = await Assert.ThrowsAsync<StorageRequestException>(() => clients.Tables.CreateTableIfNotExistsAsync("authcheck", default));

        foreach (var error in new[] { queue, table })
        {
            Assert.Equal(HttpStatusCode.Forbidden, error.Status);
            // Azure answers AuthenticationFailed for a bad signature; Azurite answers AuthorizationFailure.
            Assert.True(error.ErrorCode is "AuthenticationFailed" or "AuthorizationFailure", error.ErrorCode);
            Assert.Contains("Hybrid:Storage:ConnectionString", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongKey, error.Message, StringComparison.Ordinal);
        }
    }
}

/// <summary>Azurite killed with SIGKILL and restarted: bounded retries end in <see cref="StorageUnavailableException"/>, then work resumes.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task AzuriteKilled_OperationsFailAfterBoundedRetries_ThenRestartedAzuriteWorksWithSameClient()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var log = new RecordingLogger<StorageOutageTests>();
        using var clients = new StorageClients(azurite.ConnectionString, maxRetries: 2, log);
        await clients.Queues.CreateQueueIfNotExistsAsync("outage", default);
        await clients.Tables.CreateTableIfNotExistsAsync("outage", default);
        Assert.True(await clients.Queues.TryPutMessageAsync("outage", "before"u8.ToArray(), default));
        Assert.Equal(TableWriteOutcome.Success, (await clients.Tables.InsertEntityAsync("outage", new TableEntity("d", "e").Set("Watermark", 7L), default)).Outcome);

        await azurite.KillAsync();
        log.Clear();
        var put = await Assert.ThrowsAsync<StorageUnavailableException>(() => clients.Queues.TryPutMessageAsync("outage", "during"u8.ToArray(), default));
        var get = await Assert.ThrowsAsync<StorageUnavailableException>(() => clients.Tables.GetEntityAsync("outage", "d", "e", default));
        var retries = log.Entries.Where(e => e.Id == 3001).ToList();
        var failures = log.Entries.Where(e => e.Id == 3002).ToList();

        Assert.Contains("after 3 attempt(s)", put.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(put.InnerException);
        Assert.Contains("GetEntity outage", get.Message, StringComparison.Ordinal);
        // Bounded: exactly MaxRetries retries per operation, then one failure each.
        Assert.Equal(4, retries.Count);
        Assert.Equal(2, retries.Count(e => e.Message.StartsWith("Storage PutMessage outage", StringComparison.Ordinal)));
        Assert.Equal(2, failures.Count);

        // Azurite saves its metadata every few seconds, so a SIGKILL may lose the queue and table themselves: what
        // matters here is that the same client (with its pooled, now dead connections) works again.
        await azurite.RestartAsync();
        await clients.Queues.CreateQueueIfNotExistsAsync("outage", default);
        await clients.Tables.CreateTableIfNotExistsAsync("outage", default);
        await clients.Queues.ClearMessagesAsync("outage", default);
        Assert.True(await clients.Queues.TryPutMessageAsync("outage", "after"u8.ToArray(), default));
        await clients.Tables.DeleteEntityAsync("outage", "d", "e", "*", default);
        var inserted = await clients.Tables.InsertEntityAsync("outage", new TableEntity("d", "e").Set("Watermark", 8L), default);
        var messages = await clients.Queues.PeekMessagesAsync("outage", 32, default);
        var entity = await clients.Tables.GetEntityAsync("outage", "d", "e", default);

        Assert.Equal(TableWriteOutcome.Success, inserted.Outcome);
        Assert.Equal(["after"], messages.Select(m => System.Text.Encoding.UTF8.GetString(m.Body.Span)));
        Assert.Equal(8L, entity!.GetInt64("Watermark"));
    }
}
