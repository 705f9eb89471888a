using Azure;
using Azure.Storage.Queues;

namespace Hybrid.QueueReader.Storage;

/// <summary>
/// Receives and deletes the messages of one queue. Every failure leaves as a <see cref="QueueAccessException"/>,
/// mapped in one place from the SDK's <see cref="RequestFailedException"/>.
/// </summary>
internal sealed class QueueMessageSource(QueueClient queue)
{
    /// <summary>The most messages one receive returns (the service's limit).</summary>
    public const int MaxBatch = 32;

    public string Name => queue.Name;

    /// <summary>
    /// Up to <see cref="MaxBatch"/> messages; they stay invisible to other consumers for <paramref name="visibility"/>
    /// and come back after it unless deleted.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        try
        {
            var response = await queue.ReceiveMessagesAsync(MaxBatch, visibility, cancellationToken).ConfigureAwait(false);
            return [.. response.Value.Select(m => new ReceivedMessage(m.MessageId, m.PopReceipt, m.Body))];
        }
        catch (Exception e) when (Map(e) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Deletes a received message; one already gone (deleted by its pop receipt elsewhere) counts as deleted.</summary>
    public async Task DeleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode is "MessageNotFound" or "PopReceiptMismatch")
        {
            // Its visibility timeout ran out and another consumer took it: that consumer deletes it.
        }
        catch (Exception e) when (Map(e) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Makes a received message visible again at once (its dequeue count stays one higher); one already gone is ignored.</summary>
    public async Task ReleaseAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode is "MessageNotFound" or "PopReceiptMismatch")
        {
            // Deleted by another consumer, or its visibility timeout ran out and someone else holds it now.
        }
        catch (Exception e) when (Map(e) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>True when the queue exists.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await queue.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception e) when (Map(e) is { } failure)
        {
            throw failure;
        }
    }

    private QueueAccessException? Map(Exception exception) => exception switch
    {
        RequestFailedException { Status: 404, ErrorCode: "QueueNotFound" } e =>
            new QueueAccessException(QueueFailure.QueueNotFound, $"queue '{queue.Name}' does not exist at {queue.Uri.GetLeftPart(UriPartial.Authority)} (the Function creates it when it first sends to it)", e),
        RequestFailedException { Status: 0 } e => Unreachable(e),
        AggregateException e when e.InnerExceptions.All(i => i is RequestFailedException { Status: 0 } or HttpRequestException) => Unreachable(e),
        RequestFailedException { Status: 403 } e =>
            new QueueAccessException(QueueFailure.Refused, $"the queue service refused access to '{queue.Name}' (403 {e.ErrorCode}): check the account name and key in the connection string", e),
        RequestFailedException e =>
            new QueueAccessException(QueueFailure.Refused, $"the queue service answered {e.Status} {e.ErrorCode} for '{queue.Name}'", e),
        _ => null,
    };

    private QueueAccessException Unreachable(Exception e) =>
        new(QueueFailure.Unreachable, $"the queue service at {queue.Uri.GetLeftPart(UriPartial.Authority)} does not answer (is Azurite running? is the QueueEndpoint right?): {Innermost(e).Message}", e);

    private static Exception Innermost(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } a => Innermost(a.InnerExceptions[^1]),
        { InnerException: { } inner } => Innermost(inner),
        _ => e,
    };
}
