namespace Hybrid.Functions.Ingest;

/// <summary>Storage could not be reached or kept failing after retries; ingest answers 503 with <c>Retry-After</c>.</summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// True for the failures that mean "storage is out of reach right now" (unavailable, the HTTP request failed, or a
    /// storage call timed out), which ingest answers with 503 and <c>Retry-After</c> rather than treating as a bug.
    /// </summary>
    public static bool IsOutage(Exception exception) =>
        exception is StorageUnavailableException or HttpRequestException or OperationCanceledException;
}
