using System.Net;
using System.Text.Json;
using System.Xml;
using Azure.Core;
using Hybrid.Functions.Ingest;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Hybrid.Functions.Storage;

/// <summary>
/// The one <see cref="HttpClient"/> of a storage account (pooled <see cref="SocketsHttpHandler"/> under the
/// authorization handler) and the resilience pipelines, built once: per-attempt timeout inside bounded exponential
/// retries with jitter on 408/500/502/503/504 and network failures. When retries run out the caller gets
/// <see cref="StorageUnavailableException"/>; any other status is the caller's to switch on.
/// </summary>
internal sealed class StorageTransport : IDisposable
{
    /// <summary>Queue REST API version sent as <c>x-ms-version</c> (known to Azure and to Azurite 3.35).</summary>
    public const string ApiVersion = "2025-01-05";

    /// <summary>
    /// Table REST API version: the one the Azure SDK's table client pins (the Table API has not changed since), known
    /// to Azure's table service, Cosmos DB's Table API and Azurite alike.
    /// </summary>
    public const string TableApiVersion = "2019-02-02";

    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _retrying;
    private readonly ResiliencePipeline<HttpResponseMessage> _once;
    private readonly ILogger _logger;
    private readonly int _maxAttempts;

    // configureHandler adjusts the socket handler before use (tests trust a self-signed certificate with it).
    public StorageTransport(
        StorageAccount account,
        StorageOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        TokenCredential? credential = null,
        Action<SocketsHttpHandler>? configureHandler = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Account = account;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        var sockets = new SocketsHttpHandler
        {
            // Recycle connections now and then so DNS changes of the storage front ends are picked up.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            MaxConnectionsPerServer = options.MaxConnectionsPerEndpoint,
            ConnectTimeout = options.RequestTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };
        configureHandler?.Invoke(sockets);
        HttpMessageHandler handler = account.SharedKey is { } key
            ? new SharedKeyHandler(key, timeProvider, sockets)
            : new BearerTokenHandler(
                credential ?? throw new ArgumentException("An account without a shared key needs a token credential.", nameof(credential)),
                timeProvider,
                sockets);
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _maxAttempts = options.MaxRetries + 1;
        _retrying = BuildPipeline(options, timeProvider, retry: true);
        _once = BuildPipeline(options, timeProvider, retry: false);
    }

    public StorageAccount Account { get; }

    /// <summary>
    /// Sends a request built by <paramref name="createRequest"/> (called again for every attempt, since a request
    /// cannot be sent twice). Returns any non-transient response, which the caller disposes; throws
    /// <see cref="StorageUnavailableException"/> when every attempt failed transiently.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync<TState>(
        StorageService service,
        string operation,
        Func<TState, HttpRequestMessage> createRequest,
        TState state,
        CancellationToken cancellationToken,
        bool retry = true)
    {
        var attempts = retry ? _maxAttempts : 1;
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await (retry ? _retrying : _once).ExecuteAsync(
                static async (context, s) =>
                {
                    using var request = s.CreateRequest(s.State);
                    request.Options.Set(StorageRequestOptions.Service, s.Service);
                    request.Headers.TryAddWithoutValidation("x-ms-version", s.Service == StorageService.Table ? TableApiVersion : ApiVersion);
                    return await s.Client.SendAsync(request, context.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Client: _client, Service: service, CreateRequest: createRequest, State: state)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            Log.StorageUnavailable(_logger, operation, attempts, ex.Message);
            throw new StorageUnavailableException($"Storage {operation} failed after {attempts} attempt(s): {ex.Message}", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (IsTransient(response.StatusCode))
        {
            using (response)
            {
                var code = await ReadErrorCodeAsync(response, cancellationToken).ConfigureAwait(false);
                var reason = $"{(int)response.StatusCode} {code}".TrimEnd();
                Log.StorageUnavailable(_logger, operation, attempts, reason);
                throw new StorageUnavailableException($"Storage {operation} answered {reason} after {attempts} attempt(s).");
            }
        }

        return response;
    }

    /// <summary>Builds the typed exception for a status the operation does not expect, reading storage's error code.</summary>
    public async Task<StorageRequestException> UnexpectedAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var code = await ReadErrorCodeAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        Log.StorageRequestFailed(_logger, operation, status, code);
        var hint = (response.StatusCode, Account.SharedKey is null) switch
        {
            (HttpStatusCode.Forbidden, false) =>
                " The request was refused: check the AccountKey in Hybrid:Storage:ConnectionString and the machine's clock.",
            (HttpStatusCode.Forbidden, true) =>
                " The identity was refused: grant it Storage Queue Data Contributor and Storage Table Data Contributor on the account.",
            (HttpStatusCode.Unauthorized, _) => " The credentials were refused: check Hybrid:Storage:ConnectionString or the managed identity.",
            _ => "",
        };
        return new StorageRequestException(operation, response.StatusCode, code,
            $"Storage {operation} answered {status} {response.ReasonPhrase}{(code is null ? "" : $" ({code})")}.{hint}");
    }

    public void Dispose() => _client.Dispose();

    internal static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout
        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
        or HttpStatusCode.GatewayTimeout;

    /// <summary><c>x-ms-error-code</c>, else the code in the XML (queue) or JSON (table) error body.</summary>
    internal static async Task<string?> ReadErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Headers.NonValidated.TryGetValues("x-ms-error-code", out var values))
        {
            return string.Join(',', values);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            if (body[0] == (byte)'{')
            {
                using var json = JsonDocument.Parse(body);
                return json.RootElement.TryGetProperty("odata.error", out var error) && error.TryGetProperty("code", out var code)
                    ? code.GetString()
                    : null;
            }

            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return reader.ReadToFollowing("Code") ? reader.ReadElementContentAsString() : null;
        }
        catch (Exception ex) when (ex is JsonException or XmlException)
        {
            return null;
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(StorageOptions options, TimeProvider timeProvider, bool retry)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (retry && options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result: { } response } => IsTransient(response.StatusCode),
                    _ => false,
                }),
                OnRetry = args =>
                {
                    var reason = args.Outcome.Exception?.Message ?? $"{(int)args.Outcome.Result!.StatusCode}";
                    Log.StorageRetry(_logger, args.Context.OperationKey ?? "request", args.AttemptNumber + 1, reason, args.RetryDelay);
                    return default;
                },
            });
        }

        builder.AddTimeout(options.RequestTimeout);
        return builder.Build();
    }
}
