using Hybrid.Edge.Store;
using Polly;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// Sends one batch through the resilience pipeline until it gets an answer that is not transient (or the agent
/// stops): the body is serialized and compressed once and the same bytes are posted on every attempt.
/// </summary>
internal sealed class UplinkSender(IngestClient client, ResiliencePipeline<UplinkReply> pipeline, UplinkStatus status) : IDisposable
{
    private readonly BatchBodyWriter _body = new();
    private int _attempting;

    /// <summary>True while a POST is on its way or awaits its answer; false between attempts (a retry's backoff).</summary>
    public bool Attempting => Volatile.Read(ref _attempting) != 0;

    public async Task<UplinkReply> SendAsync(string device, string epoch, Lane lane, ReadOnlyMemory<StoredReading> batch, CancellationToken cancellationToken)
    {
        var body = _body.Write(device, epoch, batch.Span);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(UplinkResilience.Batch, BatchLabel.Of(lane, batch.Span));
        try
        {
            return await pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    state.Status.AddSent(state.Batch.Length);
                    Volatile.Write(ref state.Sender._attempting, 1);
                    try
                    {
                        return await state.Client.PostAsync(state.Body, state.Batch, ctx.CancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Volatile.Write(ref state.Sender._attempting, 0);
                    }
                },
                context,
                new Attempt(this, client, status, body, batch)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public void Dispose() => _body.Dispose();

    private readonly record struct Attempt(UplinkSender Sender, IngestClient Client, UplinkStatus Status, ReadOnlyMemory<byte> Body, ReadOnlyMemory<StoredReading> Batch);
}
