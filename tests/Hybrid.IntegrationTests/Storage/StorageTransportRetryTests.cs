using System.Net;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>The retry pipeline over real HTTP, against a scripted server that answers 500/503 as Azure Storage can.</summary>
public sealed class StorageTransportRetryTests
{
    [Fact]
    public async Task PutMessage_ServerBusyTwiceThenCreated_RetriesWithFreshSignaturesAndSucceeds()
    {
        using var server = new ScriptedHttpServer(
            [(HttpStatusCode.ServiceUnavailable, "ServerBusy"), (HttpStatusCode.InternalServerError, "InternalError")],
            (HttpStatusCode.Created, null));
        var log = new RecordingLogger<StorageTransportRetryTests>();
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 2, log);

        Assert.True(await clients.Queues.TryPutMessageAsync("telemetry", "m"u8.ToArray(), default));

        var requests = server.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.Equal(("POST", "/devstoreaccount1/telemetry/messages"), (r.Method, r.Path)));
        Assert.All(requests, r => Assert.StartsWith("SharedKey devstoreaccount1:", r.Authorization, StringComparison.Ordinal));
        Assert.Equal(2, log.Entries.Count(e => e.Id == 3001));
    }

    [Fact]
    public async Task GetEntity_AlwaysServerBusy_ThrowsUnavailableAfterBoundedAttempts()
    {
        using var server = new ScriptedHttpServer([], (HttpStatusCode.ServiceUnavailable, "ServerBusy"));
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => clients.Tables.GetEntityAsync("marks", "d", "e", default));

        Assert.Equal(4, server.Requests.Count);
        Assert.Equal("Storage GetEntity marks answered 503 ServerBusy after 4 attempt(s).", error.Message);
    }

    [Fact]
    public async Task CreateQueue_BadRequest_ThrowsTypedErrorWithoutRetrying()
    {
        using var server = new ScriptedHttpServer([], (HttpStatusCode.BadRequest, "InvalidHeaderValue"));
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => clients.Queues.CreateQueueIfNotExistsAsync("telemetry", default));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("InvalidHeaderValue", error.ErrorCode);
        Assert.Equal("CreateQueue telemetry", error.Operation);
    }

    [Fact]
    public async Task Replace_PreconditionFailedAndConflictStatuses_AreValuesNotRetried()
    {
        using var server = new ScriptedHttpServer(
            [(HttpStatusCode.PreconditionFailed, "UpdateConditionNotSatisfied"), (HttpStatusCode.Conflict, "EntityAlreadyExists")],
            (HttpStatusCode.NotFound, "ResourceNotFound"));
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);

        var replace = await clients.Tables.ReplaceEntityAsync("marks", new TableEntity("d", "e"), "W/\"1\"", default);
        var insert = await clients.Tables.InsertEntityAsync("marks", new TableEntity("d", "e"), default);
        var get = await clients.Tables.GetEntityAsync("marks", "d", "e", default);

        Assert.Equal(TableWriteOutcome.PreconditionFailed, replace.Outcome);
        Assert.Equal(TableWriteOutcome.Conflict, insert.Outcome);
        Assert.Null(get);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task HealthProbe_ConcurrentChecks_ShareOneProbeAndReportTheFailure()
    {
        using var server = new ScriptedHttpServer([], (HttpStatusCode.Forbidden, "AuthorizationFailure")) { ResponseDelay = TimeSpan.FromMilliseconds(300) };
        using var clients = new StorageClients(server.ConnectionString, maxRetries: 3);
        var probe = new StorageHealthProbe(clients.Queues, clients.Tables, Microsoft.Extensions.Logging.Abstractions.NullLogger<StorageHealthProbe>.Instance);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => probe.CheckAsync(default)));
        var afterwards = await probe.CheckAsync(default);

        Assert.Equal(4, server.Requests.Count); // one queue list + one table query per probe, two probes
        Assert.Single(results.Distinct());
        Assert.StartsWith("Storage ListQueues answered 403 Forbidden (AuthorizationFailure).", results[0], StringComparison.Ordinal);
        Assert.Contains("; Storage QueryTables answered 403 Forbidden (AuthorizationFailure).", results[0], StringComparison.Ordinal);
        Assert.Equal(results[0], afterwards);
    }
}
