using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Sinks;

/// <summary>
/// Delivers the dead letters an operator marked with <c>deadletter retry</c>, under their own seq, in front of the
/// sink's backlog: at the sink's start and then at most every <see cref="PollInterval"/> (the command marks them from
/// another process, so the sink has to look). Delivered, a dead letter goes; refused again, it stays with the new reason.
/// </summary>
internal sealed class DeadLetterRetries(ISinkLog log, TimeProvider time, ILogger logger)
{
    /// <summary>How often a running sink looks for dead letters marked for retry.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    private const int ReadCount = 100;
    private long? _lastPoll;

    /// <summary>How long until the next look is due (zero when due now).</summary>
    public TimeSpan UntilDue => _lastPoll is { } last ? TimeSpan.FromTicks(Math.Max(0, (PollInterval - time.GetElapsedTime(last)).Ticks)) : TimeSpan.Zero;

    /// <summary>
    /// When a look is due, delivers every marked dead letter through <paramref name="deliver"/>, one at a time; stops
    /// early when it answers <see cref="RetryOutcome.NotNow"/>.
    /// </summary>
    public async Task RunIfDueAsync(Func<StoredReading, CancellationToken, Task<RetryOutcome>> deliver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (UntilDue > TimeSpan.Zero)
        {
            return;
        }

        _lastPoll = time.GetTimestamp();
        IReadOnlyList<RetryItem> items;
        while ((items = await log.ReadRetriesAsync(ReadCount, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            foreach (var item in items)
            {
                var reading = item.Reading;
                var outcome = await deliver(reading, cancellationToken).ConfigureAwait(false);
                if (!outcome.Settled)
                {
                    return;
                }

                await log.SettleRetryAsync(item.Id, outcome.Refusal, cancellationToken).ConfigureAwait(false);
                if (outcome.Refusal is { } refusal)
                {
                    Log.RetryRefused(logger, log.Sink, reading.Lane.Name(), reading.Seq, reading.Type, refusal);
                }
                else
                {
                    Log.RetryDelivered(logger, log.Sink, reading.Lane.Name(), reading.Seq, reading.Type);
                }
            }
        }
    }

    /// <summary>The sink's idle wait: until a reading arrives after the seqs given, or the next look for retries is due.</summary>
    public async Task WaitForReadingsOrPollAsync(long afterSeqHigh, long afterSeqNormal, CancellationToken cancellationToken)
    {
        using var poll = new CancellationTokenSource(UntilDue, time);
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, poll.Token);
        try
        {
            await log.WaitForReadingsAsync(afterSeqHigh, afterSeqNormal, wake.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (poll.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }
    }
}
