namespace Hybrid.QueueReader.Storage;

/// <summary>A message taken from a queue: its id and pop receipt (to delete it) and its body as stored.</summary>
internal sealed record ReceivedMessage(string MessageId, string PopReceipt, BinaryData Body);
