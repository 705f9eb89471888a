using Hybrid.Functions.Storage;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Storage;

[Collection(Collections.Azurite)]
public sealed class StorageTableClientTests(AzuriteFixture fixture) : IDisposable
{
    private readonly StorageClients _clients = new(fixture.Server.ConnectionString);

    private StorageTableClient Tables => _clients.Tables;

    public void Dispose() => _clients.Dispose();

    private async Task<string> NewTableAsync()
    {
        var table = StorageClients.UniqueName("t");
        Assert.True(await Tables.CreateTableIfNotExistsAsync(table, default));
        return table;
    }

    [Fact]
    public async Task CreateTableIfNotExists_Twice_CreatesOnceThenReportsExisting()
    {
        var table = await NewTableAsync();

        Assert.False(await Tables.CreateTableIfNotExistsAsync(table, default));
        Assert.True(await Tables.DeleteTableAsync(table, default));
        Assert.False(await Tables.DeleteTableAsync(table, default));
    }

    [Fact]
    public async Task InsertThenGet_TypedProperties_RoundTripExactly()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2026, 11, 23, 10, 30, 45, 123, TimeSpan.Zero).AddTicks(4567);
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var entity = new TableEntity("pi-kitchen", "01JD3ABCDEF")
            .Set("Big", 9_007_199_254_740_993L) // 2^53 + 1: a JSON double would lose the last digit
            .Set("Negative", -42L)
            .Set("Small", 7)
            .Set("Flag", true)
            .Set("Ratio", 0.25)
            .Set("When", when)
            .Set("Id", guid)
            .Set("Bytes", new byte[] { 0, 1, 254, 255 })
            .Set("Text", "héllo 'quoted' \"json\"");

        var inserted = await Tables.InsertEntityAsync(table, entity, default);
        var read = await Tables.GetEntityAsync(table, "pi-kitchen", "01JD3ABCDEF", default);

        Assert.Equal(TableWriteOutcome.Success, inserted.Outcome);
        Assert.NotNull(read);
        Assert.Equal(inserted.ETag, read.ETag);
        Assert.Equal(9_007_199_254_740_993L, read.GetInt64("Big"));
        Assert.Equal(-42L, read.GetInt64("Negative"));
        Assert.Equal(7, read.GetInt32("Small"));
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(0.25, read.GetDouble("Ratio"));
        Assert.Equal(when, read.GetDateTimeOffset("When"));
        Assert.Equal(guid, read.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, read.GetBinary("Bytes"));
        Assert.Equal("héllo 'quoted' \"json\"", read.GetString("Text"));
        Assert.NotNull(read.Timestamp);
    }

    [Fact]
    public async Task Insert_Twice_ReturnsConflictAndKeepsFirst()
    {
        var table = await NewTableAsync();

        var first = await Tables.InsertEntityAsync(table, new TableEntity("d", "e").Set("Watermark", 1L), default);
        var second = await Tables.InsertEntityAsync(table, new TableEntity("d", "e").Set("Watermark", 2L), default);

        Assert.Equal(TableWriteOutcome.Success, first.Outcome);
        Assert.Equal(new TableWriteResult(TableWriteOutcome.Conflict, null), second);
        Assert.Equal(1L, (await Tables.GetEntityAsync(table, "d", "e", default))!.GetInt64("Watermark"));
    }

    [Fact]
    public async Task Get_MissingEntityOrTable_ReturnsNull()
    {
        var table = await NewTableAsync();

        Assert.Null(await Tables.GetEntityAsync(table, "nobody", "never", default));
        Assert.Null(await Tables.GetEntityAsync(StorageClients.UniqueName("nosuch"), "nobody", "never", default));
    }

    [Fact]
    public async Task Insert_MissingTable_ReturnsNotFound()
    {
        var result = await Tables.InsertEntityAsync(StorageClients.UniqueName("nosuch"), new TableEntity("d", "e"), default);

        Assert.Equal(TableWriteOutcome.NotFound, result.Outcome);
    }

    [Fact]
    public async Task Replace_EtagRace_SecondWriterGetsPreconditionFailed()
    {
        var table = await NewTableAsync();
        await Tables.InsertEntityAsync(table, new TableEntity("d", "e").Set("Watermark", 10L), default);
        var readerA = await Tables.GetEntityAsync(table, "d", "e", default);
        var readerB = await Tables.GetEntityAsync(table, "d", "e", default);

        var a = await Tables.ReplaceEntityAsync(table, new TableEntity("d", "e").Set("Watermark", 20L), readerA!.ETag!, default);
        var b = await Tables.ReplaceEntityAsync(table, new TableEntity("d", "e").Set("Watermark", 30L), readerB!.ETag!, default);
        var final = await Tables.GetEntityAsync(table, "d", "e", default);

        Assert.Equal(TableWriteOutcome.Success, a.Outcome);
        Assert.NotEqual(readerA.ETag, a.ETag);
        Assert.Equal(TableWriteOutcome.PreconditionFailed, b.Outcome);
        Assert.Equal(20L, final!.GetInt64("Watermark"));
        Assert.Equal(a.ETag, final.ETag);
    }

    [Fact]
    public async Task Replace_ConcurrentWritersWithOneEtag_ExactlyOneWins()
    {
        var table = await NewTableAsync();
        var inserted = await Tables.InsertEntityAsync(table, new TableEntity("d", "e").Set("Watermark", 0L), default);

        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            Tables.ReplaceEntityAsync(table, new TableEntity("d", "e").Set("Watermark", (long)i), inserted.ETag!, default)));
        var final = await Tables.GetEntityAsync(table, "d", "e", default);

        var winner = Assert.Single(results.Select((r, i) => (r, value: i + 1L)), x => x.r.Outcome == TableWriteOutcome.Success);
        Assert.Equal(19, results.Count(r => r.Outcome == TableWriteOutcome.PreconditionFailed));
        Assert.Equal(winner.value, final!.GetInt64("Watermark"));
    }

    [Fact]
    public async Task Replace_RemovesOmittedPropertiesAndMergeKeepsThem()
    {
        var table = await NewTableAsync();
        var inserted = await Tables.InsertEntityAsync(table, new TableEntity("d", "e").Set("A", "a").Set("B", "b"), default);

        var merged = await Tables.MergeEntityAsync(table, new TableEntity("d", "e").Set("C", 3L), inserted.ETag!, default);
        var afterMerge = await Tables.GetEntityAsync(table, "d", "e", default);
        var replaced = await Tables.ReplaceEntityAsync(table, new TableEntity("d", "e").Set("C", 4L), merged.ETag!, default);
        var afterReplace = await Tables.GetEntityAsync(table, "d", "e", default);

        Assert.Equal(TableWriteOutcome.Success, merged.Outcome);
        Assert.Equal(["A", "B", "C"], afterMerge!.PropertyNames.Order());
        Assert.Equal(3L, afterMerge.GetInt64("C"));
        Assert.Equal(TableWriteOutcome.Success, replaced.Outcome);
        Assert.Equal(["C"], afterReplace!.PropertyNames);
        Assert.Equal(4L, afterReplace.GetInt64("C"));
    }

    [Fact]
    public async Task ReplaceOrDelete_MissingEntity_ReturnsNotFound()
    {
        var table = await NewTableAsync();

        var replace = await Tables.ReplaceEntityAsync(table, new TableEntity("d", "gone"), "*", default);
        var delete = await Tables.DeleteEntityAsync(table, "d", "gone", "*", default);

        Assert.Equal(TableWriteOutcome.NotFound, replace.Outcome);
        Assert.Equal(TableWriteOutcome.NotFound, delete.Outcome);
    }

    [Fact]
    public async Task Keys_WithQuotesAndSpaces_AreEscapedInTheUrl()
    {
        var table = await NewTableAsync();
        var entity = new TableEntity("it's a device", "row (1) & 'two'").Set("V", 1L);

        var inserted = await Tables.InsertEntityAsync(table, entity, default);
        var read = await Tables.GetEntityAsync(table, "it's a device", "row (1) & 'two'", default);
        var deleted = await Tables.DeleteEntityAsync(table, "it's a device", "row (1) & 'two'", read!.ETag!, default);

        Assert.Equal(TableWriteOutcome.Success, inserted.Outcome);
        Assert.Equal("row (1) & 'two'", read.RowKey);
        Assert.Equal(TableWriteOutcome.Success, deleted.Outcome);
        Assert.Null(await Tables.GetEntityAsync(table, "it's a device", "row (1) & 'two'", default));
    }
}
