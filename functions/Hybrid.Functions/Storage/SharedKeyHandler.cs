using System.Net.Http.Headers;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Signs every request with the account key (<c>Authorization: SharedKey account:signature</c>), stamping
/// <c>x-ms-date</c> from the injected clock; retries re-enter here, so each attempt carries a fresh date and signature.
/// </summary>
internal sealed class SharedKeyHandler : DelegatingHandler
{
    private readonly StorageSharedKey _key;
    private readonly TimeProvider _timeProvider;

    public SharedKeyHandler(StorageSharedKey key, TimeProvider timeProvider, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        _key = key;
        _timeProvider = timeProvider;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Sign(request, _key, _timeProvider.GetUtcNow());
        return base.SendAsync(request, cancellationToken);
    }

    internal static void Sign(HttpRequestMessage request, StorageSharedKey key, DateTimeOffset now)
    {
        StorageRequestOptions.StampDate(request, now);
        var service = request.Options.TryGetValue(StorageRequestOptions.Service, out var value) ? value : StorageService.Queue;
        var stringToSign = service == StorageService.Table
            ? SharedKeySigning.TableStringToSign(request, key.AccountName)
            : SharedKeySigning.QueueStringToSign(request, key.AccountName);
        request.Headers.Authorization = new AuthenticationHeaderValue("SharedKey", $"{key.AccountName}:{key.Sign(stringToSign)}");
    }
}
