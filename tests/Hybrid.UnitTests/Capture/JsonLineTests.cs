using System.Text;
using System.Text.Json;
using Hybrid.Edge.Capture;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Capture;

/// <summary>JSON lines (exec, stdin) to readings: pointers, timestamps, refusals, and the reader's line handling.</summary>
public sealed class JsonLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryMap_Rtl433Line_TypeKeyAndTsFromPointersPayloadVerbatim()
    {
        var mapper = Mapper(new JsonLineOptions { TypePointer = "/model", KeyPointer = "/id", TsPointer = "/time" }, "rtl433");
        const string line = """{"time":"2026-11-30 03:59:58","model":"Acurite-Tower","id":1234,"temperature_C":21.5}""";

        Assert.True(mapper.TryMap(Encoding.UTF8.GetBytes(line + "\r"), out var reading, out var error), error);

        Assert.Equal("rtl433.acurite-tower", reading.Type);
        Assert.Equal("1234", reading.Key);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 3, 59, 58, TimeSpan.Zero), reading.Ts);
        Assert.Equal("test-source", reading.Source);
        Assert.Equal(line, Encoding.UTF8.GetString(reading.PayloadJson.Span));
    }

    [Theory]
    [InlineData("""{"t":1764475200}""", 1764475200000)]
    [InlineData("""{"t":1764475200123}""", 1764475200123)]
    [InlineData("""{"t":"2026-11-30T04:00:00.5+01:00"}""", 1796007600500)]
    public void TryMap_TimestampForms_AreUnderstood(string line, long expectedMs)
    {
        var mapper = Mapper(new JsonLineOptions { TsPointer = "/t" }, "x");

        Assert.True(mapper.TryMap(Encoding.UTF8.GetBytes(line), out var reading, out _));
        Assert.Equal(expectedMs, reading.Ts.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("""{"v":1}""")]
    [InlineData("""{"t":"yesterday"}""")]
    [InlineData("""{"t":-5}""")]
    public void TryMap_TimestampMissingOrUnreadable_IsTheCaptureTime(string line)
    {
        var mapper = Mapper(new JsonLineOptions { TsPointer = "/t" }, "x");

        Assert.True(mapper.TryMap(Encoding.UTF8.GetBytes(line), out var reading, out _));
        Assert.Equal(Now, reading.Ts);
    }

    [Theory]
    [InlineData("[1,2]", "a JSON array, not an object")]
    [InlineData("42", "a JSON number, not an object")]
    [InlineData("{\"a\":", "not JSON")]
    [InlineData("hello", "not JSON")]
    public void TryMap_NotAnObject_RefusedWithTheReason(string line, string expected)
    {
        Assert.False(Mapper(new JsonLineOptions(), "x").TryMap(Encoding.UTF8.GetBytes(line), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMap_TypeFromPointerWithOddCharacters_IsNormalized()
    {
        var mapper = Mapper(new JsonLineOptions { TypePointer = "/kind" }, "ble");

        Assert.True(mapper.TryMap("""{"kind":"Xiaomi LYWSD03MMC/Temp"}"""u8, out var reading, out _));
        Assert.Equal("ble.xiaomi-lywsd03mmc-temp", reading.Type);
        Assert.True(mapper.TryMap("""{"other":1}"""u8, out reading, out _));
        Assert.Equal("ble", reading.Type);
    }

    [Theory]
    [InlineData("/a~1b", 1)]
    [InlineData("/m~0n", 2)]
    [InlineData("/list/1/x", 3)]
    public void JsonPointer_EscapesAndArrayIndexes_Resolve(string path, int expected)
    {
        using var document = JsonDocument.Parse("""{"a/b":1,"m~n":2,"list":[{"x":0},{"x":3}]}""");

        Assert.True(JsonPointer.TryResolve(document.RootElement, path, out var value));
        Assert.Equal(expected, value.GetInt32());
        Assert.False(JsonPointer.TryResolve(document.RootElement, "/list/7/x", out _));
    }

    [Fact]
    public async Task ReadToEnd_MixedLines_GoodOnesStoredBadOnesCountedNothingLost()
    {
        var writer = new RecordingWriter();
        var counters = new LineSourceCounters();
        var logger = new RecordingLogger<JsonLineTests>();
        var reader = new JsonLineReader("test", Mapper(new JsonLineOptions(), "x"), writer, counters, new LogThrottle(TimeProvider.System, TimeSpan.FromMinutes(1), 2), logger);
        var tooLong = "{\"pad\":\"" + new string('x', JsonLineMapper.MaxLineBytes + 10) + "\"}";
        var input = string.Join('\n', "{\"i\":1}", "", "not json", "{\"i\":2}\r", tooLong, "[3]", "{\"i\":3}", "{\"i\":4}");

        await reader.ReadToEndAsync(new MemoryStream(Encoding.UTF8.GetBytes(input)), CancellationToken.None);

        Assert.Equal(["{\"i\":1}", "{\"i\":2}", "{\"i\":3}", "{\"i\":4}"], writer.Readings.Select(r => Encoding.UTF8.GetString(r.PayloadJson.Span)));
        Assert.Equal(3, counters.Refused);
        Assert.Equal(4, counters.Readings);
        // Throttled to 2 lines per window: the third refusal is counted but not logged.
        Assert.Equal(2, logger.Entries.Count(e => e.Id == 5013));
    }

    [Fact]
    public async Task ReadToEnd_StoreChannelFull_WaitsForRoomAndLosesNothing()
    {
        using var dir = new TempDirectory("lines");
        await using var store = Hybrid.UnitTests.Store.TestStores.CreateClosed(dir.Path, o => (o.ChannelCapacity, o.CommitMaxReadings) = (8, 8));
        var counters = new LineSourceCounters();
        var reader = new JsonLineReader("test", Mapper(new JsonLineOptions(), "x"), store.Writer, counters, new LogThrottle(TimeProvider.System, TimeSpan.FromMinutes(1), 2), new RecordingLogger<JsonLineTests>());
        var input = string.Join('\n', Enumerable.Range(1, 200).Select(i => $"{{\"i\":{i}}}"));

        // The writer is not started yet: the reader must wait at 8 queued readings instead of dropping the rest.
        var reading = reader.ReadToEndAsync(new MemoryStream(Encoding.UTF8.GetBytes(input)), CancellationToken.None);
        await Eventually.UntilAsync(() => store.Writer.QueuedReadings == 8, TimeSpan.FromSeconds(10));
        Assert.False(reading.IsCompleted);
        store.Open();
        store.StartWriter();
        await reading.WaitAsync(TimeSpan.FromSeconds(20));
        await store.Writer.FlushAsync(CancellationToken.None);

        Assert.Equal(200, store.GetLane(Lane.Normal).HeadSeq);
        Assert.Equal(200, counters.Readings);
        Assert.Equal(0, counters.Dropped);
        Assert.Equal(0, store.Counters.Dropped(DropReason.ChannelFull));
    }

    private static JsonLineMapper Mapper(JsonLineOptions options, string type) =>
        new(options, type, "test-source", new FakeTimeProvider(Now));

    private sealed class RecordingWriter : IReadingWriter
    {
        public List<CaptureReading> Readings { get; } = [];

        public bool TryWrite(CaptureReading reading)
        {
            Readings.Add(reading);
            return true;
        }
    }
}
