using System.Net.Http.Headers;
using Azure.Core;
using Azure.Identity;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Authorizes requests with Entra ID bearer tokens (scope <c>https://storage.azure.com/.default</c>), e.g. from
/// <c>DefaultAzureCredential</c> with a managed identity. The token is cached and refreshed ahead of its expiry so
/// the hot path never waits for the identity endpoint.
/// </summary>
internal sealed class BearerTokenHandler : DelegatingHandler
{
    private static readonly TokenRequestContext TokenRequest = new(["https://storage.azure.com/.default"]);
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    // A reference, swapped whole: readers on other threads never see half of a token.
    private volatile CachedToken? _token;

    public BearerTokenHandler(TokenCredential credential, TimeProvider timeProvider, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        _credential = credential;
        _timeProvider = timeProvider;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        StorageRequestOptions.StampDate(request, _timeProvider.GetUtcNow());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _refresh.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && IsFresh(cached.ExpiresOn))
        {
            return cached.Token;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } again && IsFresh(again.ExpiresOn))
            {
                return again.Token;
            }

            AccessToken token;
            try
            {
                token = await _credential.GetTokenAsync(TokenRequest, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationFailedException ex)
            {
                // Surfaced as a network-level failure so the retry pipeline retries it (the identity endpoint may be
                // briefly unavailable) and callers finally see StorageUnavailableException, not an identity exception.
                throw new HttpRequestException(
                    $"No Entra ID token for storage (Hybrid:Storage:AccountName, managed identity): {ex.Message}", ex);
            }

            _token = new CachedToken(token.Token, token.ExpiresOn);
            return token.Token;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsFresh(DateTimeOffset expiresOn) => expiresOn - RefreshMargin > _timeProvider.GetUtcNow();

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresOn);
}
