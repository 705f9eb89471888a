namespace Hybrid.Functions.Ingest;

/// <summary>One queue message ready to send.</summary>
/// <param name="Queue">Target queue.</param>
/// <param name="Text">The message text (UTF-8 JSON, see <see cref="QueueMessageWriter"/>), before base64.</param>
/// <param name="MinSeq">Lowest seq inside; after a partial failure everything below the lowest failed one is known sent.</param>
/// <param name="ItemCount">Items inside.</param>
internal sealed record OutgoingMessage(string Queue, ReadOnlyMemory<byte> Text, long MinSeq, int ItemCount);
