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
                    return await state.Client.PostAsync(state.Body, state.Batch, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                new Attempt(client, status, body, batch)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public void Dispose() => _body.Dispose();

    private readonly record struct Attempt(IngestClient Client, UplinkStatus Status, ReadOnlyMemory<byte> Body, ReadOnlyMemory<StoredReading> Batch);
}
