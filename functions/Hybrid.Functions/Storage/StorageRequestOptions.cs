namespace Hybrid.Functions.Storage;

/// <summary>Per-request facts the authorization handlers need.</summary>
internal static class StorageRequestOptions
{
    /// <summary>The service a request is for (SharedKey signs queue and table requests differently).</summary>
    public static readonly HttpRequestOptionsKey<StorageService> Service = new("Hybrid.Storage.Service");
}
