namespace Hybrid.Contracts;

/// <summary>
/// Wire contract v1: one batch of readings from one device's store lane, POSTed to <c>/api/ingest</c>.
/// <c>(Device, Epoch, Seq)</c> identifies a reading forever.
/// </summary>
public sealed class IngestBatch
{
    /// <summary>Device id, <c>[A-Za-z0-9._-]{1,64}</c>.</summary>
    public required string Device { get; init; }

    /// <summary>Epoch of the store lane the readings come from (a ULID, see <see cref="EpochId"/>).</summary>
    public required string Epoch { get; init; }

    /// <summary>Readings in ascending <see cref="WireReading.Seq"/> order.</summary>
    public required IReadOnlyList<WireReading> Messages { get; init; }
}
