using System.Text.Json.Serialization;

namespace Hybrid.Contracts;

/// <summary>The Function's 200 answer to a batch; the edge advances its cursor from it.</summary>
public sealed class IngestResponse
{
    /// <summary>Items enqueued by this request.</summary>
    public required int Accepted { get; init; }

    /// <summary>Items already fanned out earlier (by seq, in any arrival order): acknowledged, not re-sent.</summary>
    public required int Duplicates { get; init; }

    /// <summary>
    /// Items refused for good, with the reason: invalid ones (each also went to the <c>ingest-rejected</c> queue) and
    /// late ones (a seq inside a gap the Function had already closed; not enqueued anywhere).
    /// </summary>
    public required IReadOnlyList<RejectedItem> Rejected { get; init; }

    /// <summary>Every seq of <c>(device, epoch)</c> up to here is settled (fanned out, or in a closed gap).</summary>
    public required long Watermark { get; init; }

    /// <summary>
    /// Gaps this request closed (seqs never received that the watermark moved over: settled by the sender, or one
    /// range too many open); absent when none. Each is logged by the Function.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? GapsClosed { get; init; }
}

/// <summary>One item of a batch that the Function rejected permanently.</summary>
/// <param name="Seq">The item's seq (0 when the item had none).</param>
/// <param name="Reason">Why, in words an operator can act on.</param>
public sealed record RejectedItem(long Seq, string Reason);
