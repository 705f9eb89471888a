namespace Hybrid.Edge.Store;

/// <summary>
/// What travels through the writer's channel: a reading, or a control request answered once everything queued
/// before it has been committed (the channel keeps the order, so a flush means "all before me is durable").
/// </summary>
internal readonly struct WriterItem
{
    private WriterItem(CaptureReading? reading, WriterControl control, TaskCompletionSource? done)
    {
        Reading = reading;
        Control = control;
        Done = done;
    }

    public CaptureReading? Reading { get; }

    public WriterControl Control { get; }

    public TaskCompletionSource? Done { get; }

    public static WriterItem ForReading(CaptureReading reading) => new(reading, WriterControl.None, null);

    public static WriterItem ForControl(WriterControl control, TaskCompletionSource? done) => new(null, control, done);
}

/// <summary>Control requests for the writer loop.</summary>
internal enum WriterControl
{
    None,

    /// <summary>Complete once every reading queued before has been committed (or dropped and counted).</summary>
    Flush,

    /// <summary>Run retention now (delivered rows, TTL, disk floor).</summary>
    Retention,
}
