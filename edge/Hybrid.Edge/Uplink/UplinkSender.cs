using Hybrid.Edge.Store;
using Polly;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// Sends one batch through the resilience pipeline until it gets an answer that is not transient (or the agent
/// stops): the same compressed body is posted on every attempt.
/// </summary>
internal sealed class UplinkSender(IngestClient client, ResiliencePipeline<UplinkReply> pipeline, UplinkStatus status)
{
    private int _posting;

    /// <summary>True while a POST is on the wire (as opposed to waiting between attempts).</summary>
    public bool IsPosting => Volatile.Read(ref _posting) != 0;

    public async Task<UplinkReply> SendAsync(Lane lane, ReadOnlyMemory<StoredReading> batch, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(UplinkResilience.Batch, BatchLabel.Of(lane, batch.Span));
        try
        {
            return await pipeline.ExecuteAsync(
                static (ctx, state) => state.Sender.PostAsync(state.Body, state.Batch, ctx.CancellationToken),
                context,
                new Attempt(this, body, batch)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<UplinkReply> PostAsync(ReadOnlyMemory<byte> body, ReadOnlyMemory<StoredReading> batch, CancellationToken cancellationToken)
    {
        status.AddSent(batch.Length);
        Volatile.Write(ref _posting, 1);
        try
        {
            return await client.PostAsync(body, batch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _posting, 0);
        }
    }

    private readonly record struct Attempt(UplinkSender Sender, ReadOnlyMemory<byte> Body, ReadOnlyMemory<StoredReading> Batch);
}
