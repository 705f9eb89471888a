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
}
