using Azure.Core;
using Hybrid.Functions.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Storage;

public sealed class BearerTokenHandlerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Send_CachesTokenUntilFiveMinutesBeforeExpiry_ThenRefreshes()
    {
        var time = new FakeTimeProvider(Start);
        var credential = new CountingCredential(time, lifetime: TimeSpan.FromHours(1));
        var inner = new RecordingHandler();
        using var handler = new BearerTokenHandler(credential, time, inner);
        using var client = new HttpClient(handler);

        await client.GetAsync(new Uri("https://acct.queue.core.windows.net/q"));
        time.Advance(TimeSpan.FromMinutes(54));
        await client.GetAsync(new Uri("https://acct.queue.core.windows.net/q"));
        time.Advance(TimeSpan.FromMinutes(2)); // 4 minutes left: inside the refresh margin
        await client.GetAsync(new Uri("https://acct.queue.core.windows.net/q"));

        Assert.Equal(["token-1", "token-1", "token-2"], inner.Authorizations.Select(a => a.Parameter));
        Assert.All(inner.Authorizations, a => Assert.Equal("Bearer", a.Scheme));
        Assert.Equal(["https://storage.azure.com/.default"], credential.LastScopes);
        Assert.Equal("Mon, 23 Nov 2026 10:56:00 GMT", inner.Dates[^1]);
    }

    [Fact]
    public async Task Send_ConcurrentFirstRequests_FetchOneToken()
    {
        var time = new FakeTimeProvider(Start);
        var credential = new CountingCredential(time, lifetime: TimeSpan.FromHours(1), delay: TimeSpan.FromMilliseconds(50));
        using var handler = new BearerTokenHandler(credential, time, new RecordingHandler());
        using var client = new HttpClient(handler);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync(new Uri("https://acct.table.core.windows.net/Tables"))));

        Assert.Equal(1, credential.Calls);
    }

    [Fact]
    public async Task Send_CredentialFails_ThrowsHttpRequestExceptionNamingTheSetting()
    {
        var time = new FakeTimeProvider(Start);
        using var handler = new BearerTokenHandler(new FailingCredential(), time, new RecordingHandler());
        using var client = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("https://acct.queue.core.windows.net/q")));

        Assert.Contains("Hybrid:Storage:AccountName", error.Message, StringComparison.Ordinal);
        Assert.Contains("no managed identity endpoint", error.Message, StringComparison.Ordinal);
        Assert.IsType<Azure.Identity.CredentialUnavailableException>(error.InnerException);
    }

    private sealed class FailingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.CredentialUnavailableException("no managed identity endpoint");
    }

    private sealed class CountingCredential(TimeProvider time, TimeSpan lifetime, TimeSpan delay = default) : TokenCredential
    {
        private int _calls;

        public int Calls => _calls;

        public string[] LastScopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The handler must use the async path.");

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            LastScopes = requestContext.Scopes;
            var call = Interlocked.Increment(ref _calls);
            return new AccessToken($"token-{call}", time.GetUtcNow() + lifetime);
        }
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<System.Net.Http.Headers.AuthenticationHeaderValue> Authorizations { get; } = [];

        public List<string> Dates { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Authorizations)
            {
                Authorizations.Add(request.Headers.Authorization!);
                Dates.Add(request.Headers.GetValues("x-ms-date").Single());
            }

            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
