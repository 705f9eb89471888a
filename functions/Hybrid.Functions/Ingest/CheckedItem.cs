using Hybrid.Contracts;

namespace Hybrid.Functions.Ingest;

/// <summary>One item of a batch after validation.</summary>
/// <param name="Reading">The item as parsed (null when the array held <c>null</c>).</param>
/// <param name="Seq">Its seq, 0 when it had none.</param>
/// <param name="Reason">Why it is rejected; null when valid.</param>
/// <param name="Ordered">
/// True when seq is &gt; 0 and above every earlier seq of the batch: such items take part in dedupe (each is sent at
/// most once, valid or not). Items out of order are always rejected and, having no trustworthy seq, are sent to the
/// rejected queue every time they arrive.
/// </param>
internal readonly record struct CheckedItem(WireReading? Reading, long Seq, string? Reason, bool Ordered)
{
    public bool IsValid => Reason is null;
}
