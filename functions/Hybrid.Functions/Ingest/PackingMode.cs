namespace Hybrid.Functions.Ingest;

/// <summary>How items are put into queue messages.</summary>
internal enum PackingMode
{
    /// <summary>As many items of one queue as fit in one message (up to <see cref="RoutingOptions.MaxMessageBytes"/>).</summary>
    Packed,

    /// <summary>One item per message.</summary>
    Single,
}
