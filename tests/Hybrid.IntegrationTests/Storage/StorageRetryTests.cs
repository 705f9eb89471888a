using System.Net;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>
/// The SDK clients' bounded retries and our mapping of their failures, over real HTTP against a scripted server that
/// answers 500/503 as Azure Storage can (Azurite never does).
/// </summary>
public sealed class StorageRetryTests
{
    private const string SendReceipt =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>m1</MessageId>" +
        "<InsertionTime>Mon, 30 Nov 2026 06:00:00 GMT</InsertionTime><ExpirationTime>Fri, 31 Dec 9999 23:59:59 GMT</ExpirationTime>" +
        "<PopReceipt>p1</PopReceipt><TimeNextVisible>Mon, 30 Nov 2026 06:00:00 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>";

    private static TableWatermarkStore Store(StorageClients clients) =>
        new(clients.Account, Options.Create(new StorageOptions { WatermarkTable = "marks" }), NullLogger<TableWatermarkStore>.Instance);

    [Fact]
    public async Task PutMessage_ServerBusyTwiceThenCreated_RetriesSignedAndSucceeds()
    {
        using var server = new ScriptedHttpServer(
            [(HttpStatusCode.ServiceUnavailable, "ServerBusy"), (HttpStatusCode.InternalServerError, "InternalError")],
            (HttpStatusCode.Created, null)) { SuccessBody = SendReceipt };
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 2);
        var sender = new QueueMessageSender(clients.Account, NullLogger<QueueMessageSender>.Instance);

        await sender.SendAsync("telemetry", "m"u8.ToArray(), default);

        var requests = server.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.Equal(("POST", "/devstoreaccount1/telemetry/messages"), (r.Method, r.Path)));
        Assert.All(requests, r => Assert.StartsWith("SharedKey devstoreaccount1:", r.Authorization, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetEntity_AlwaysServerBusy_ThrowsUnavailableAfterBoundedAttempts()
    {
        using var server = new ScriptedHttpServer([(HttpStatusCode.NoContent, null)], (HttpStatusCode.ServiceUnavailable, "ServerBusy"));
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => Store(clients).GetAsync("d", "e", default));

        Assert.Equal(1 + 4, server.Requests.Count); // the table creation, then four attempts of the read
        Assert.Equal("Storage GetEntity marks answered 503 ServerBusy after 4 attempt(s).", error.Message);
    }

    [Fact]
    public async Task PutMessage_StorageStallsPastRequestTimeout_ThrowsUnavailableAfterBoundedAttempts()
    {
        using var server = new ScriptedHttpServer([], (HttpStatusCode.Created, null)) { ResponseDelay = TimeSpan.FromSeconds(2), SuccessBody = SendReceipt };
        using var account = new StorageAccountClients(new StorageOptions
        {
            ConnectionString = server.ConnectionString,
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(10),
            RequestTimeout = TimeSpan.FromMilliseconds(300),
        }, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => new QueueMessageSender(account, NullLogger<QueueMessageSender>.Instance).SendAsync("telemetry", "m"u8.ToArray(), default));

        Assert.Equal(2, server.Requests.Count);
        Assert.StartsWith("Storage PutMessage telemetry failed after 2 attempt(s): ", error.Message, StringComparison.Ordinal);
        Assert.True(StorageUnavailableException.IsOutage(error));
    }

    [Fact]
    public async Task CreateQueue_BadRequest_ThrowsTypedErrorWithoutRetrying()
    {
        using var server = new ScriptedHttpServer([], (HttpStatusCode.BadRequest, "InvalidHeaderValue"));
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);

        var error = await Assert.ThrowsAsync<StorageRequestException>(
            () => new QueueMessageSender(clients.Account, NullLogger<QueueMessageSender>.Instance).EnsureQueueAsync("telemetry", default));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("InvalidHeaderValue", error.ErrorCode);
        Assert.Equal("CreateQueue telemetry", error.Operation);
    }

    [Fact]
    public async Task Replace_PreconditionFailedAndConflictStatuses_AreValuesNotRetried()
    {
        using var server = new ScriptedHttpServer(
            [(HttpStatusCode.PreconditionFailed, "UpdateConditionNotSatisfied"), (HttpStatusCode.NoContent, null), (HttpStatusCode.Conflict, "EntityAlreadyExists")],
            (HttpStatusCode.NotFound, "ResourceNotFound"));
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);
        var store = Store(clients);

        var replace = await store.TryReplaceAsync("d", "e", WatermarkState.Settled(DeliveryLedger.Through(1)), "W/\"1\"", default);
        var insert = await store.TryInsertAsync("d", "e", WatermarkState.Settled(DeliveryLedger.Through(1)), default); // creates the table first
        var get = await store.GetAsync("d", "e", default);

        Assert.Equal(WriteOutcome.PreconditionFailed, replace.Outcome);
        Assert.Equal(WriteOutcome.Conflict, insert.Outcome);
        Assert.Null(get);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task HealthProbe_ConcurrentChecks_ShareOneUnretriedProbeAndReportTheFailure()
    {
        using var server = new ScriptedHttpServer([], (HttpStatusCode.Forbidden, "AuthorizationFailure")) { ResponseDelay = TimeSpan.FromMilliseconds(300) };
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);
        var probe = new StorageHealthProbe(clients.Account, NullLogger<StorageHealthProbe>.Instance);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => probe.CheckAsync(default)));
        var afterwards = await probe.CheckAsync(default);

        Assert.Equal(4, server.Requests.Count); // one queue list + one table query per probe, two probes
        Assert.Single(results.Distinct());
        Assert.StartsWith("Storage ListQueues answered 403 Forbidden (AuthorizationFailure).", results[0], StringComparison.Ordinal);
        Assert.Contains("; Storage QueryTables answered 403 Forbidden (AuthorizationFailure).", results[0], StringComparison.Ordinal);
        Assert.Equal(results[0], afterwards);
    }

    [Fact]
    public async Task HealthProbe_ServerBusy_IsNotRetried()
    {
        using var server = new ScriptedHttpServer([], (HttpStatusCode.ServiceUnavailable, "ServerBusy"));
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);

        var failure = await new StorageHealthProbe(clients.Account, NullLogger<StorageHealthProbe>.Instance).CheckAsync(default);

        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("Storage ListQueues answered 503 ServerBusy after 1 attempt(s).", failure, StringComparison.Ordinal);
    }
}
