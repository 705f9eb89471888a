using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// The uplink's Polly pipeline, built once per run: retry (exponential backoff with jitter, <c>Retry-After</c>
/// honoured, no attempt limit: a batch is never given up) around a circuit breaker around a per-attempt timeout.
/// Only network failures, timeouts and transient answers are retried; once the agent stops, nothing is.
/// </summary>
internal static class UplinkResilience
{
    /// <summary>The batch an execution carries, for log lines.</summary>
    public static readonly ResiliencePropertyKey<BatchLabel> Batch = new("hybrid.uplink.batch");

    public static ResiliencePipeline<UplinkReply> Build(UplinkOptions options, UplinkStatus status, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        return new ResiliencePipelineBuilder<UplinkReply> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<UplinkReply>
            {
                ShouldHandle = args => new ValueTask<bool>(!stopping.IsCancellationRequested && IsTransient(args.Outcome)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryMin,
                MaxDelay = options.RetryMax,
                DelayGenerator = args => new ValueTask<TimeSpan?>(RequestedDelay(args.Outcome, options.MaxRetryAfter)),
                OnRetry = args =>
                {
                    var reason = Describe(args.Outcome);
                    status.AddRetry();
                    status.SetLastError(reason);
                    var batch = args.Context.Properties.GetValue(Batch, default);
                    Log.UplinkRetrying(logger, batch.Lane, batch.First, batch.Last, batch.Count, reason, args.AttemptNumber + 2, args.RetryDelay);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<UplinkReply>
            {
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is not BrokenCircuitException && IsTransient(args.Outcome)),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                StateProvider = status.NewBreaker(),
                OnOpened = args =>
                {
                    Log.UplinkBreakerOpened(logger, args.BreakDuration, Describe(args.Outcome));
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    Log.UplinkBreakerHalfOpen(logger);
                    return default;
                },
                OnClosed = _ =>
                {
                    Log.UplinkBreakerClosed(logger);
                    return default;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>Failures worth the same batch again: the network, a timeout, the open breaker, a transient answer.</summary>
    internal static bool IsTransient(Outcome<UplinkReply> outcome) => outcome.Exception switch
    {
        null => outcome.Result?.Kind == UplinkReplyKind.Retry,
        HttpRequestException or TimeoutRejectedException or BrokenCircuitException or IOException => true,
        _ => false,
    };

    /// <summary>The wait the server asked for (<c>Retry-After</c>) or the open breaker's; null for the backoff's own.</summary>
    private static TimeSpan? RequestedDelay(Outcome<UplinkReply> outcome, TimeSpan cap)
    {
        var requested = outcome.Result?.RetryAfter ?? (outcome.Exception as BrokenCircuitException)?.RetryAfter;
        return requested is { } delay ? (delay < cap ? delay : cap) : null;
    }

    internal static string Describe(Outcome<UplinkReply> outcome) => outcome.Exception switch
    {
        null => outcome.Result?.Reason ?? "no answer",
        TimeoutRejectedException t => $"no answer within {t.Timeout} (Hybrid:Uplink:AttemptTimeout)",
        BrokenCircuitException => "circuit breaker open",
        HttpRequestException h when h.InnerException is { } inner => $"{h.Message} ({inner.Message})",
        var e => e.Message,
    };
}

/// <summary>A batch as log lines name it.</summary>
internal readonly record struct BatchLabel(string Lane, long First, long Last, int Count)
{
    public static BatchLabel Of(Lane lane, ReadOnlySpan<StoredReading> batch) =>
        new(lane.Name(), batch[0].Seq, batch[^1].Seq, batch.Length);
}
