using Azure.Data.Tables;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>The ingest seams over real Azurite: <see cref="TableWatermarkStore"/> and <see cref="QueueMessageSender"/>.</summary>
[Collection(Collections.Azurite)]
public sealed class StorageSeamTests(AzuriteFixture fixture) : IDisposable
{
    private readonly StorageClients _clients = new(fixture.Server.ConnectionString);

    public void Dispose() => _clients.Dispose();

    private TableWatermarkStore CreateStore(string table) =>
        new(_clients.Account, Options.Create(new StorageOptions { WatermarkTable = table }), NullLogger<TableWatermarkStore>.Instance);

    private QueueMessageSender CreateSender() => new(_clients.Account, NullLogger<QueueMessageSender>.Instance);

    [Fact]
    public async Task WatermarkStore_InsertGetReplace_RoundTripsStateAndCreatesTable()
    {
        var table = StorageClients.UniqueName("wm");
        var store = CreateStore(table);
        var expires = new DateTimeOffset(2026, 11, 23, 11, 0, 0, 250, TimeSpan.Zero);
        var claimed = new WatermarkState(DeliveryLedger.Through(0), "claim-1", [new SeqRange(1, 1042)], expires);

        Assert.Null(await store.GetAsync("pi-kitchen", "01JD3EPOCH", default));
        var inserted = await store.TryInsertAsync("pi-kitchen", "01JD3EPOCH", claimed, default);
        var afterInsert = await store.GetAsync("pi-kitchen", "01JD3EPOCH", default);
        var released = WatermarkState.Settled(DeliveryLedger.Through(1042));
        var replaced = await store.TryReplaceAsync("pi-kitchen", "01JD3EPOCH", released, afterInsert!.ETag, default);
        var afterReplace = await store.GetAsync("pi-kitchen", "01JD3EPOCH", default);

        Assert.Equal(WriteOutcome.Success, inserted.Outcome);
        Assert.Equal(claimed, afterInsert.State);
        Assert.Equal(inserted.ETag, afterInsert.ETag);
        Assert.Equal(WriteOutcome.Success, replaced.Outcome);
        Assert.Equal(released, afterReplace!.State);
        Assert.Equal(replaced.ETag, afterReplace.ETag);
        var raw = (await _clients.Tables.GetTableClient(table).GetEntityAsync<TableEntity>("pi-kitchen", "01JD3EPOCH")).Value;
        Assert.Equal(["Ledger", "Watermark"], raw.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).Order());
        Assert.Equal(1042L, raw["Watermark"]);
    }

    [Fact]
    public async Task WatermarkStore_EntityFromBeforeLedgers_ReadsAsItsWatermarkAndClaimedRange()
    {
        var table = StorageClients.UniqueName("wm");
        var store = CreateStore(table);
        await store.TryInsertAsync("seed", "seed", WatermarkState.Empty, default);
        var expires = new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);
        var tables = _clients.Tables.GetTableClient(table);
        await tables.AddEntityAsync(new TableEntity("old", "e1") { ["Watermark"] = 5L, ["ClaimId"] = "c", ["ClaimThrough"] = 9L, ["ClaimExpires"] = expires });
        await tables.AddEntityAsync(new TableEntity("old", "e2") { ["Watermark"] = 7L, ["Ledger"] = "not a ledger" });

        var legacy = await store.GetAsync("old", "e1", default);
        var unreadable = await store.GetAsync("old", "e2", default);

        Assert.Equal(new WatermarkState(DeliveryLedger.Through(5), "c", [new SeqRange(6, 9)], expires), legacy!.State);
        // The ranges are lost, never a seq: everything above the watermark counts as new again.
        Assert.Equal(WatermarkState.Settled(DeliveryLedger.Through(7)), unreadable!.State);
    }

    [Fact]
    public async Task WatermarkStore_InsertRaceAndStaleReplace_AreValues()
    {
        var store = CreateStore(StorageClients.UniqueName("wm"));
        var first = await store.TryInsertAsync("dev", "epoch", WatermarkState.Settled(DeliveryLedger.Through(5)), default);
        var second = await store.TryInsertAsync("dev", "epoch", WatermarkState.Settled(DeliveryLedger.Through(9)), default);
        var entry = await store.GetAsync("dev", "epoch", default);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            store.TryReplaceAsync("dev", "epoch", new WatermarkState(DeliveryLedger.Through(100 + i), $"c{i}", [new SeqRange(100 + i + 1, 200)], null), entry!.ETag, default)));
        var final = await store.GetAsync("dev", "epoch", default);

        Assert.Equal(WriteOutcome.Success, first.Outcome);
        Assert.Equal(WriteOutcome.Conflict, second.Outcome);
        Assert.Equal(5, entry!.State.Watermark);
        var winner = Assert.Single(Enumerable.Range(0, 10), i => concurrent[i].Outcome == WriteOutcome.Success);
        Assert.All(concurrent.Where(r => r.Outcome != WriteOutcome.Success), r => Assert.Equal(WriteOutcome.PreconditionFailed, r.Outcome));
        Assert.Equal(new WatermarkState(DeliveryLedger.Through(100 + winner), $"c{winner}", [new SeqRange(100 + winner + 1, 200)], null), final!.State);
    }

    [Fact]
    public async Task WatermarkStore_ReplaceAfterEntityDeleted_ReturnsPreconditionFailed()
    {
        var table = StorageClients.UniqueName("wm");
        var store = CreateStore(table);
        await store.TryInsertAsync("dev", "epoch", WatermarkState.Settled(DeliveryLedger.Through(1)), default);
        var entry = await store.GetAsync("dev", "epoch", default);
        await _clients.Tables.GetTableClient(table).DeleteEntityAsync("dev", "epoch");

        var result = await store.TryReplaceAsync("dev", "epoch", WatermarkState.Settled(DeliveryLedger.Through(2)), entry!.ETag, default);

        Assert.Equal(WriteOutcome.PreconditionFailed, result.Outcome);
        Assert.Null(await store.GetAsync("dev", "epoch", default));
    }

    [Fact]
    public async Task WatermarkStore_TableDeletedWhileRunning_InsertRecreatesIt()
    {
        var table = StorageClients.UniqueName("wm");
        var store = CreateStore(table);
        Assert.Null(await store.GetAsync("dev", "epoch", default)); // creates the table
        Assert.Equal(204, (await _clients.Tables.DeleteTableAsync(table)).Status);

        var result = await store.TryInsertAsync("dev", "epoch", WatermarkState.Settled(DeliveryLedger.Through(3)), default);

        Assert.Equal(WriteOutcome.Success, result.Outcome);
        Assert.Equal(3, (await store.GetAsync("dev", "epoch", default))!.State.Watermark);
    }

    [Fact]
    public async Task MessageSender_EnsureAndSend_PutsExactBase64TextOncePerSend()
    {
        var queue = StorageClients.UniqueName("fanout");
        var sender = CreateSender();
        var payloads = Enumerable.Range(0, 5).Select(i => System.Text.Encoding.UTF8.GetBytes($"[{{\"seq\":{i}}}]")).ToArray();

        await sender.EnsureQueueAsync(queue, default);
        await sender.EnsureQueueAsync(queue, default);
        foreach (var payload in payloads)
        {
            await sender.SendAsync(queue, payload, default);
        }

        // Read the raw message text without the SDK's decoding: it must be the base64 of the bytes sent.
        var raw = new Azure.Storage.Queues.QueueClient(fixture.Server.ConnectionString, queue);
        var messages = (await raw.PeekMessagesAsync(32)).Value;
        Assert.Equal(payloads.Select(Convert.ToBase64String), messages.Select(m => m.MessageText));
        Assert.All(messages, m => Assert.True(m.ExpiresOn > TimeProvider.System.GetUtcNow().AddYears(1000), $"expires {m.ExpiresOn}"));
    }

    [Fact]
    public async Task MessageSender_QueueDeletedAfterEnsure_RecreatesAndSends()
    {
        var queue = StorageClients.UniqueName("fanout");
        var sender = CreateSender();
        await sender.EnsureQueueAsync(queue, default);
        await _clients.Queues.DeleteQueueAsync(queue);

        await sender.SendAsync(queue, "after-delete"u8.ToArray(), default);

        var message = Assert.Single((await _clients.Queues.GetQueueClient(queue).PeekMessagesAsync(32)).Value);
        Assert.Equal("after-delete"u8.ToArray(), message.Body.ToArray());
    }
}
