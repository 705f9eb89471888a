namespace Hybrid.Functions.Ingest;

/// <summary>What <see cref="DeliveryLedger"/> knows of one seq.</summary>
internal enum SeqState
{
    /// <summary>Never enqueued: to be sent.</summary>
    New,

    /// <summary>Enqueued before: a duplicate, acknowledged and not sent again.</summary>
    Delivered,

    /// <summary>Below the watermark in a gap it was moved over without this seq: too late, reported and not enqueued.</summary>
    InClosedGap,
}
