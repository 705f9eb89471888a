using System.Text.Json;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Hybrid.UnitTests.Store;

namespace Hybrid.UnitTests.Edge;

/// <summary><c>status</c> and <c>deadletter list|purge</c> against a real store file, through the same configuration as <c>run</c>.</summary>
public sealed class StoreCommandsTests
{
    [Fact]
    public async Task Status_StoreWithBacklogAndDeadLetters_ShowsLanesSinksAndDrops()
    {
        using var dir = new TempDirectory("cli");
        await SeedAsync(dir.Path);
        var (code, output, error) = Run(dir, (config, o, e) => StoreCommands.Status(config, json: false, o, e));

        Assert.Equal(StoreCommands.Done, code);
        Assert.Equal("", error);
        Assert.Contains("device pi-test", output, StringComparison.Ordinal);
        Assert.Contains("normal", output, StringComparison.Ordinal);
        Assert.Matches(@"uplink\s+normal\s+6\s+4\s", output);
        Assert.Matches(@"mqtt\s+normal\s+10\s+0\s", output);
        Assert.Contains("capacity=0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_AfterRunsThatDroppedReadings_ShowsTheDropsAndDeadLettersSavedInTheFile()
    {
        using var dir = new TempDirectory("cli");
        await SeedAsync(dir.Path);
        // A later run (after a reboot): 13 more readings into a store capped at 10 rows. Drop-oldest evicts seqs 1-13;
        // the 7 above the uplink's cursor (6) were lost to it and count as dropped.
        await using (var run = TestStores.Create(dir.Path, o => o.MaxRows = 10, sinks: ["mqtt", "uplink"]))
        {
            await TestStores.WriteAsync(run, Enumerable.Range(11, 13).Select(i => TestStores.Reading(key: $"k{i}")));
            Assert.Equal(7, run.Counters.Dropped(DropReason.Capacity));
        }

        var (code, output, _) = Run(dir, (config, o, e) => StoreCommands.Status(config, json: true, o, e));

        Assert.Equal(StoreCommands.Done, code);
        using var json = JsonDocument.Parse(output);
        var store = json.RootElement.GetProperty("store");
        Assert.Equal(7, store.GetProperty("dropped").GetProperty("capacity").GetInt64());
        var uplink = store.GetProperty("sinks").EnumerateArray().Single(s => s.GetProperty("sink").GetString() == "uplink");
        Assert.Equal(2, uplink.GetProperty("deadLetters").GetInt64());
    }

    [Fact]
    public async Task Status_Json_CarriesTheSameFigures()
    {
        using var dir = new TempDirectory("cli");
        await SeedAsync(dir.Path);
        var (code, output, _) = Run(dir, (config, o, e) => StoreCommands.Status(config, json: true, o, e));

        Assert.Equal(StoreCommands.Done, code);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("live").GetBoolean());
        var store = json.RootElement.GetProperty("store");
        var uplink = store.GetProperty("sinks").EnumerateArray().Single(s => s.GetProperty("sink").GetString() == "uplink");
        Assert.Equal(4, uplink.GetProperty("backlog").GetInt64());
        Assert.Equal(2, uplink.GetProperty("deadLetters").GetInt64());
        Assert.Equal(10, store.GetProperty("lanes")[1].GetProperty("headSeq").GetInt64());
    }

    [Fact]
    public async Task DeadLetterList_FilteredBySinkAndReason_ShowsOnlyThose()
    {
        using var dir = new TempDirectory("cli");
        await SeedAsync(dir.Path);
        var (code, output, _) = Run(dir, (config, o, e) => StoreCommands.ListDeadLetters(config, new DeadLetterFilter("uplink", null, "too old", null, null), json: true, o, e));

        Assert.Equal(StoreCommands.Done, code);
        using var json = JsonDocument.Parse(output);
        var record = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(3, record.GetProperty("seq").GetInt64());
        Assert.Equal("uplink: too old", record.GetProperty("reason").GetString());
        Assert.Equal("k3", record.GetProperty("key").GetString());
    }

    [Fact]
    public async Task DeadLetterPurge_WithoutFilter_RefusesAndDeletesNothing_WithFilter_DeletesThoseOnly()
    {
        using var dir = new TempDirectory("cli");
        await SeedAsync(dir.Path);

        var (refused, _, error) = Run(dir, (config, o, e) => StoreCommands.PurgeDeadLetters(config, new DeadLetterFilter(null, null, null, null, null), all: false, o, e));
        Assert.Equal(StoreCommands.Usage, refused);
        Assert.Contains("needs a filter", error, StringComparison.Ordinal);

        var (code, output, _) = Run(dir, (config, o, e) => StoreCommands.PurgeDeadLetters(config, new DeadLetterFilter("uplink", Lane.Normal, null, 4, 5), all: false, o, e));
        Assert.Equal(StoreCommands.Done, code);
        Assert.Equal("purged 1 dead letters", output.Trim());

        var (_, rest, _) = Run(dir, (config, o, e) => StoreCommands.ListDeadLetters(config, new DeadLetterFilter(null, null, null, null, null), json: true, o, e));
        using var json = JsonDocument.Parse(rest);
        Assert.Equal([3L], json.RootElement.EnumerateArray().Select(r => r.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task DeadLetterRetry_Filtered_MarksThoseForTheirSinkWhichReadsThemBackWithTheirReading()
    {
        using var dir = new TempDirectory("cli");
        await SeedAsync(dir.Path);

        var (refused, _, usage) = Run(dir, (config, o, e) => StoreCommands.RetryDeadLetters(config, new DeadLetterFilter(null, null, null, null, null), all: false, o, e));
        Assert.Equal(StoreCommands.Usage, refused);
        Assert.Contains("deadletter retry needs a filter", usage, StringComparison.Ordinal);

        var (code, output, error) = Run(dir, (config, o, e) => StoreCommands.RetryDeadLetters(config, new DeadLetterFilter("uplink", null, "too old", null, null), all: false, o, e));
        Assert.Equal(StoreCommands.Done, code);
        Assert.Equal("", error);
        Assert.StartsWith("marked 1 dead letters for retry", output, StringComparison.Ordinal);

        var (_, list, _) = Run(dir, (config, o, e) => StoreCommands.ListDeadLetters(config, new DeadLetterFilter(null, null, null, null, null), json: false, o, e));
        Assert.Contains("[retry pending] uplink: too old", list, StringComparison.Ordinal);
        Assert.DoesNotContain("[retry pending] uplink: bad payload", list, StringComparison.Ordinal);

        await using var store = TestStores.Create(dir.Path, sinks: ["mqtt", "uplink"]);
        var uplink = store.GetSink("uplink");
        var item = Assert.Single(await uplink.ReadRetriesAsync(10, CancellationToken.None));
        Assert.Equal((Lane.Normal, 3L, "k3"), (item.Reading.Lane, item.Reading.Seq, item.Reading.Key));
        Assert.Empty(await store.GetSink("mqtt").ReadRetriesAsync(10, CancellationToken.None));

        await uplink.SettleRetryAsync(item.Id, "uplink: still too old", CancellationToken.None);
        Assert.Empty(await uplink.ReadRetriesAsync(10, CancellationToken.None));
        var (_, again, _) = Run(dir, (config, o, e) => StoreCommands.ListDeadLetters(config, new DeadLetterFilter("uplink", null, "still too old", null, null), json: true, o, e));
        using var json = JsonDocument.Parse(again);
        Assert.False(Assert.Single(json.RootElement.EnumerateArray()).GetProperty("retryPending").GetBoolean());
    }

    [Fact]
    public async Task DeadLetterRetry_ReadingGoneFromTheLogWhenDeadLettered_SaysItCannotBeRetried()
    {
        using var dir = new TempDirectory("cli");
        await using (var store = TestStores.Create(dir.Path, sinks: ["uplink"]))
        {
            // A dead letter recorded after its log row had gone carries no copy of the reading.
            await TestStores.WriteAsync(store, Enumerable.Range(1, 2).Select(i => TestStores.Reading(key: $"k{i}")));
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.Path};Pooling=false");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO dead_letters (sink, lane, seq, reason, at) VALUES ('uplink', 1, 1, 'uplink: gone', 0)";
            command.ExecuteNonQuery();
        }

        var (code, output, error) = Run(dir, (config, o, e) => StoreCommands.RetryDeadLetters(config, new DeadLetterFilter(null, null, null, null, null), all: true, o, e));

        Assert.Equal(StoreCommands.Done, code);
        Assert.StartsWith("marked 0 dead letters", output, StringComparison.Ordinal);
        Assert.Contains("1 matching dead letters hold no copy of their reading", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_NoStoreThere_ExitsOneNamingTheSettings()
    {
        using var dir = new TempDirectory("cli");
        var (code, _, error) = Run(dir, (config, o, e) => StoreCommands.Status(config, json: false, o, e));

        Assert.Equal(StoreCommands.Failed, code);
        Assert.Contains("No store at", error, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Agent:DataDirectory", error, StringComparison.Ordinal);
    }

    /// <summary>10 normal readings; mqtt passed all, uplink 6 of them with seqs 3 and 5 dead-lettered.</summary>
    private static async Task SeedAsync(string directory)
    {
        await using var store = TestStores.Create(directory, sinks: ["mqtt", "uplink"]);
        await TestStores.WriteAsync(store, Enumerable.Range(1, 10).Select(i => TestStores.Reading(key: $"k{i}")));
        await store.GetSink("mqtt").AdvanceAsync(Lane.Normal, 10, CancellationToken.None);
        var uplink = store.GetSink("uplink");
        await uplink.DeadLetterAsync(Lane.Normal, [new DeadLetterItem(3, "uplink: too old"), new DeadLetterItem(5, "uplink: bad payload")], CancellationToken.None);
        await uplink.AdvanceAsync(Lane.Normal, 6, CancellationToken.None);
    }

    private static (int Code, string Output, string Error) Run(TempDirectory dir, Func<FileInfo, TextWriter, TextWriter, int> command)
    {
        var config = new FileInfo(Path.Combine(dir.Path, "edge.json"));
        File.WriteAllText(config.FullName, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            // No endpoint: these tests read the file, and an agent of another test may be listening on the default port.
            ["Hybrid"] = new Dictionary<string, object>
            {
                ["Agent"] = new Dictionary<string, string> { ["DeviceId"] = "pi-test", ["DataDirectory"] = dir.Path },
                ["Status"] = new Dictionary<string, string> { ["Enabled"] = "false" },
            },
        }, TestJson.Default.DictionaryStringObject));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = command(config, output, error);
        return (code, output.ToString(), error.ToString());
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
