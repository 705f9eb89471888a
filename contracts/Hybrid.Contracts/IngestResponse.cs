namespace Hybrid.Contracts;

/// <summary>The Function's 200 answer to a batch; the edge advances its cursor from it.</summary>
public sealed class IngestResponse
{
    /// <summary>Items enqueued by this request.</summary>
    public required int Accepted { get; init; }

    /// <summary>Items at or below the watermark: already fanned out earlier, acknowledged, not re-sent.</summary>
    public required int Duplicates { get; init; }

    /// <summary>Items that failed validation; each went to the <c>ingest-rejected</c> queue with its reason.</summary>
    public required IReadOnlyList<RejectedItem> Rejected { get; init; }

    /// <summary>Highest seq of <c>(device, epoch)</c> fanned out so far.</summary>
    public required long Watermark { get; init; }
}

/// <summary>One item of a batch that the Function rejected permanently.</summary>
/// <param name="Seq">The item's seq (0 when the item had none).</param>
/// <param name="Reason">Why, in words an operator can act on.</param>
public sealed record RejectedItem(long Seq, string Reason);
