namespace Hybrid.QueueReader.Messages;

/// <summary>
/// One reading as a consumer reads it from a queue message. <see cref="Payload"/> is the reading's JSON verbatim;
/// <see cref="Reason"/> is set for items of the rejected queue, where a payload too large to carry is replaced by
/// <see cref="PayloadBytes"/>.
/// </summary>
internal sealed record QueueItem(
    string Device,
    string Epoch,
    long Seq,
    string? Type,
    string? Ts,
    string? Source,
    string? Key,
    string? Payload,
    long? PayloadBytes,
    string? Reason)
{
    public ItemKey Identity => new(Device, Epoch, Seq);
}
