using System.Globalization;

namespace Hybrid.Functions.Storage;

/// <summary>Per-request facts the authorization handlers need.</summary>
internal static class StorageRequestOptions
{
    /// <summary>The service a request is for (SharedKey signs queue and table requests differently).</summary>
    public static readonly HttpRequestOptionsKey<StorageService> Service = new("Hybrid.Storage.Service");

    /// <summary>Sets <c>x-ms-date</c> (replacing a retry's old one), which both SharedKey and bearer requests carry.</summary>
    public static void StampDate(HttpRequestMessage request, DateTimeOffset now)
    {
        request.Headers.Remove("x-ms-date");
        request.Headers.TryAddWithoutValidation("x-ms-date", now.ToString("R", CultureInfo.InvariantCulture));
    }
}
