using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Sends messages in parallel (at most <see cref="IngestOptions.MaxParallelSends"/> at once, lowest seqs first) and
/// creates each queue the first time this instance sends to it. Stops starting new sends after the first failure.
/// </summary>
internal sealed class QueueFanOut(IMessageQueues queues, IOptions<IngestOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _ensured = new(StringComparer.Ordinal);

    /// <summary>Sends <paramref name="messages"/>; the report says which were sent.</summary>
    public async Task<SendReport> SendAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sent = new bool[messages.Count];
        if (messages.Count == 0)
        {
            return new SendReport(sent, null);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;
        try
        {
            await Task.WhenAll(messages.Select(m => m.Queue).Distinct(StringComparer.Ordinal).Select(q => EnsureQueueAsync(q, stop.Token))).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return new SendReport(sent, ExceptionDispatchInfo.Capture(ex));
        }

        var next = -1;
        async Task WorkAsync()
        {
            int index;
            while (!stop.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < messages.Count)
            {
                try
                {
                    await queues.SendAsync(messages[index].Queue, messages[index].Text, stop.Token).ConfigureAwait(false);
                    sent[index] = true;
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(ex), null);
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }
        }

        var workers = Math.Min(options.Value.MaxParallelSends, messages.Count);
        var tasks = new Task[workers];
        for (var i = 0; i < workers; i++)
        {
            tasks[i] = WorkAsync();
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        if (failure is null && cancellationToken.IsCancellationRequested)
        {
            failure = ExceptionDispatchInfo.Capture(new OperationCanceledException(cancellationToken));
        }

        return new SendReport(sent, failure);
    }

    private Task EnsureQueueAsync(string queue, CancellationToken cancellationToken)
    {
        // One creation per queue and instance, shared by concurrent requests; a failure is forgotten so the next
        // request tries again.
        var creation = _ensured.GetOrAdd(queue, q => new Lazy<Task>(() => CreateAsync(q))).Value;
        return creation.WaitAsync(cancellationToken);
    }

    private async Task CreateAsync(string queue)
    {
        try
        {
            await queues.EnsureQueueAsync(queue, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            _ensured.TryRemove(queue, out _);
            throw;
        }
    }
}
