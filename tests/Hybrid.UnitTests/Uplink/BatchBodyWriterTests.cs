using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Hybrid.Contracts;
using Hybrid.Edge.Store;
using Hybrid.Edge.Uplink;

namespace Hybrid.UnitTests.Uplink;

public sealed class BatchBodyWriterTests
{
    private static readonly DateTimeOffset Ts = new(2026, 11, 22, 10, 30, 45, 123, TimeSpan.Zero);

    [Fact]
    public void Write_ReadBackWithTheContractSerializer_EveryFieldAndPayloadIntact()
    {
        using var writer = new BatchBodyWriter();
        StoredReading[] readings =
        [
            new(Lane.Normal, 1042, "telemetry.temperature", Ts, "simulated", "sensor-1", Encoding.UTF8.GetBytes("""{"value":21.4,"unit":"C","nested":{"a":[1,2,{"b":"ü"}]}}""")),
            new(Lane.Normal, 1043, "telemetry.humidity", Ts.AddMilliseconds(1), "mqtt", null, Encoding.UTF8.GetBytes("\"text\"")),
        ];

        var batch = Decode(writer.Write("pi-kitchen", "01JD3ZZZZZZZZZZZZZZZZZZZZZ", 1040, readings));

        Assert.Equal("pi-kitchen", batch.Device);
        Assert.Equal("01JD3ZZZZZZZZZZZZZZZZZZZZZ", batch.Epoch);
        Assert.Equal(1040, batch.SettledThrough);
        Assert.Equal([1042L, 1043], batch.Messages.Select(m => m.Seq));
        var first = batch.Messages[0];
        Assert.Equal("telemetry.temperature", first.Type);
        Assert.Equal(Ts, first.Ts);
        Assert.Equal("simulated", first.Source);
        Assert.Equal("sensor-1", first.Key);
        Assert.Equal("""{"value":21.4,"unit":"C","nested":{"a":[1,2,{"b":"ü"}]}}""", first.Payload.GetRawText());
        Assert.Null(batch.Messages[1].Key);
        Assert.Equal("text", batch.Messages[1].Payload.GetString());
        Assert.Equal(Ts.AddMilliseconds(1), batch.Messages[1].Ts);
    }

    [Fact]
    public void Write_ReusedForASecondBatch_HoldsOnlyTheSecond()
    {
        using var writer = new BatchBodyWriter();
        var big = Enumerable.Range(1, 500).Select(i => new StoredReading(Lane.High, i, "alert.x", Ts, "s", null, Encoding.UTF8.GetBytes($"{{\"i\":{i}}}"))).ToArray();
        _ = writer.Write("d", "01JD3ZZZZZZZZZZZZZZZZZZZZZ", 7, big);

        var second = Decode(writer.Write("d", "01JD3ZZZZZZZZZZZZZZZZZZZZZ", 0, big.AsSpan(10, 2)));

        Assert.Equal([11L, 12], second.Messages.Select(m => m.Seq));
        Assert.Null(second.SettledThrough);
    }

    [Theory]
    [InlineData(false, 127)]
    [InlineData(false, 128)]
    [InlineData(true, 129)]
    [InlineData(true, 1000)]
    public void Write_ManyReadingsHandedToGzipInChunks_EveryReadingOnceInOrderWhetherOrNotTheThreadYields(bool yieldBetweenChunks, int count)
    {
        using var writer = new BatchBodyWriter();
        var readings = Enumerable.Range(1, count).Select(i => new StoredReading(Lane.Normal, i, "telemetry.t", Ts, "s", $"k{i}", Encoding.UTF8.GetBytes($"{{\"i\":{i}}}"))).ToArray();

        var batch = Decode(writer.Write("d", "01JD3ZZZZZZZZZZZZZZZZZZZZZ", 0, readings, yieldBetweenChunks));

        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), batch.Messages.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, count).Select(i => $"{{\"i\":{i}}}"), batch.Messages.Select(m => m.Payload.GetRawText()));
        Assert.Equal($"k{count}", batch.Messages[^1].Key);
    }

    private static IngestBatch Decode(ReadOnlyMemory<byte> body)
    {
        using var gzip = new GZipStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress);
        return JsonSerializer.Deserialize(gzip, ContractJsonContext.Default.IngestBatch)!;
    }
}
