namespace Hybrid.Edge.Capture;

/// <summary>
/// How a line of JSON (from an <c>exec</c> command or standard input) becomes a reading: the whole object is the
/// payload, verbatim; type, key and timestamp can be taken from it with JSON pointers (RFC 6901, e.g. <c>/model</c>).
/// </summary>
internal class JsonLineOptions
{
    /// <summary>The reading type, <c>[a-z0-9._-]</c> (default per source); with <see cref="TypePointer"/> the prefix of the type.</summary>
    public string Type { get; set; } = "";

    /// <summary>
    /// Pointer to a string or number in the line: the type becomes <c>{Type}.{value}</c>, the value lower-cased with
    /// other characters than <c>a-z 0-9 . _ -</c> turned into <c>-</c>. A line without it gets <see cref="Type"/>.
    /// </summary>
    public string TypePointer { get; set; } = "";

    /// <summary>Pointer to the key (e.g. <c>/id</c> or <c>/mac</c>); empty for none.</summary>
    public string KeyPointer { get; set; } = "";

    /// <summary>
    /// Pointer to the capture time: an ISO 8601 string (without an offset it is taken as UTC), or a Unix time number
    /// in seconds (milliseconds above 10^11). Empty, missing or unreadable: the time the line was read.
    /// </summary>
    public string TsPointer { get; set; } = "";
}
