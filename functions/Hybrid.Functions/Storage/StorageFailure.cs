namespace Hybrid.Functions.Storage;

/// <summary>What a failed Azure SDK call means for us (see <see cref="StorageErrors.Classify"/>).</summary>
internal enum StorageFailure
{
    /// <summary>409: the entity or resource already exists (an insert race, returned as a value).</summary>
    Conflict,

    /// <summary>412: the entity changed since its ETag was read (returned as a value).</summary>
    PreconditionFailed,

    /// <summary>404: the entity, table or queue does not exist.</summary>
    NotFound,

    /// <summary>Storage is out of reach or kept failing transiently after the SDK's retries: ingest answers 503.</summary>
    Unavailable,

    /// <summary>Any other status (bad request, refused credentials, missing role): a fault to fix, never retried.</summary>
    Refused,
}
