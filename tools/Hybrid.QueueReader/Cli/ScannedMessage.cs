using Hybrid.QueueReader.Messages;
using Hybrid.QueueReader.Storage;

namespace Hybrid.QueueReader.Cli;

/// <summary>A message read by <see cref="QueueScanner"/>: its items, or why it could not be decoded.</summary>
internal sealed record ScannedMessage(ReceivedMessage Message, IReadOnlyList<QueueItem> Items, string? Error);
