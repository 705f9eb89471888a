namespace Hybrid.QueueReader.Cli;

/// <summary>How a command reads a queue.</summary>
/// <param name="Delete">Delete each message once its items are handled (consume the queue).</param>
/// <param name="Follow">Keep waiting for new messages until Ctrl+C instead of stopping at an empty queue.</param>
/// <param name="Visibility">How long a received message stays hidden from other consumers unless deleted.</param>
/// <param name="PollInterval">With <paramref name="Follow"/>: the wait after an empty receive.</param>
internal sealed record ScanOptions(bool Delete, bool Follow, TimeSpan Visibility, TimeSpan PollInterval);
