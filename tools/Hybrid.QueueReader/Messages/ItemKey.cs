namespace Hybrid.QueueReader.Messages;

/// <summary>What identifies a reading forever: the device, the epoch of its store lane, and its seq in that epoch.</summary>
internal readonly record struct ItemKey(string Device, string Epoch, long Seq);
