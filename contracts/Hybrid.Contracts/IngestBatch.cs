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

    /// <summary>
    /// Optional: the sender has settled every seq of this epoch up to here on its side (delivered, dead-lettered or
    /// dropped by its capacity policy), so the Function may close the gaps below it at once instead of keeping them
    /// open for late arrivals. Absent or 0 says nothing.
    /// </summary>
    public long? SettledThrough { get; init; }

    /// <summary>Readings in ascending <see cref="WireReading.Seq"/> order.</summary>
    public required IReadOnlyList<WireReading> Messages { get; init; }
}
