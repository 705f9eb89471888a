using System.Text.Json;
using Hybrid.Contracts;
using Hybrid.Functions.Ingest;

namespace Hybrid.UnitTests.Ingest;

/// <summary>Builders for batches in unit tests.</summary>
internal static class IngestTestData
{
    public const string Epoch = "01JD3ZK5V7Q8R9S0T1V2W3X4Y5";

    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 30, 0, TimeSpan.Zero);

    public static WireReading Reading(long seq, string type = "telemetry.temperature", DateTimeOffset? ts = null, string payload = "{\"value\":21.5}") => new()
    {
        Seq = seq,
        Type = type,
        Ts = ts ?? Now,
        Source = "simulated",
        Key = "sensor-1",
        Payload = JsonDocument.Parse(payload).RootElement.Clone(),
    };

    public static IngestBatch Batch(string device, IEnumerable<long> seqs, string type = "telemetry.temperature") => new()
    {
        Device = device,
        Epoch = Epoch,
        Messages = [.. seqs.Select(s => Reading(s, type))],
    };

    public static IngestBatch Batch(string device, params WireReading[] readings) => new() { Device = device, Epoch = Epoch, Messages = readings };

    /// <summary>A stored state: everything through <paramref name="watermark"/>, and a claim on the seqs after it through <paramref name="claimThrough"/>.</summary>
    public static WatermarkState State(long watermark, string? claimId = null, long claimThrough = 0, DateTimeOffset? claimExpires = null) =>
        new(DeliveryLedger.Through(watermark), claimId, claimThrough > watermark ? [new SeqRange(watermark + 1, claimThrough)] : [], claimExpires);

    /// <summary>The seqs <paramref name="first"/>..<paramref name="last"/>.</summary>
    public static long[] Seqs(long first, long last) => [.. Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i)];
}
