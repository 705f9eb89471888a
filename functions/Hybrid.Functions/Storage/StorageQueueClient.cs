using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Queue service REST operations (create, put, peek, get, delete, clear, count). Expected outcomes — the queue
/// already exists, the queue or message is gone — are return values; other statuses throw
/// <see cref="StorageRequestException"/>, transient failures end in <c>StorageUnavailableException</c>.
/// </summary>
internal sealed class StorageQueueClient
{
    /// <summary>
    /// Largest message body in bytes: the service limits the message text to 64 KiB, and the body travels as base64
    /// (4 characters per 3 bytes), so 48 KiB of bytes fill it exactly.
    /// </summary>
    public const int MaxMessageBytes = 48 * 1024;

    /// <summary>Most messages one peek or get returns (service limit).</summary>
    public const int MaxMessagesPerRead = 32;

    private static readonly byte[] MessagePrefix = "<QueueMessage><MessageText>"u8.ToArray();
    private static readonly byte[] MessageSuffix = "</MessageText></QueueMessage>"u8.ToArray();

    private readonly StorageTransport _transport;
    private readonly string _endpoint;

    public StorageQueueClient(StorageTransport transport)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _endpoint = transport.Account.QueueEndpoint.AbsoluteUri.TrimEnd('/');
    }

    /// <summary>Queue names: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    public static bool IsValidQueueName(string? name) =>
        name is { Length: >= 3 and <= 63 }
        && name.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);

    /// <summary>Creates the queue; true when it was created now, false when it already existed.</summary>
    public async Task<bool> CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken)
    {
        ValidateName(queue);
        var operation = $"CreateQueue {queue}";
        using var response = await _transport.SendAsync(StorageService.Queue, operation,
            static uri => new HttpRequestMessage(HttpMethod.Put, uri), Url(queue), cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.Created => true,
            HttpStatusCode.NoContent => false,
            HttpStatusCode.Conflict => false, // QueueAlreadyExists with other metadata: it exists, which is all we need.
            _ => throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Deletes the queue; false when it did not exist.</summary>
    public async Task<bool> DeleteQueueAsync(string queue, CancellationToken cancellationToken)
    {
        ValidateName(queue);
        var operation = $"DeleteQueue {queue}";
        using var response = await _transport.SendAsync(StorageService.Queue, operation,
            static uri => new HttpRequestMessage(HttpMethod.Delete, uri), Url(queue), cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent => true,
            HttpStatusCode.NotFound => false,
            _ => throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// Puts one message whose text is the base64 of <paramref name="body"/> (as the Functions queue trigger expects).
    /// False when the queue does not exist. <paramref name="timeToLive"/> null keeps the service default (7 days),
    /// <see cref="Timeout.InfiniteTimeSpan"/> never expires; <paramref name="visibilityTimeout"/> delays delivery.
    /// A put retried after a lost answer (timeout, reset connection) may have landed the first time: queue delivery is
    /// at-least-once, as with every storage client.
    /// </summary>
    public async Task<bool> TryPutMessageAsync(
        string queue,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken,
        TimeSpan? timeToLive = null,
        TimeSpan? visibilityTimeout = null)
    {
        ValidateName(queue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(body.Length, MaxMessageBytes, nameof(body));
        var query = new StringBuilder();
        if (timeToLive is { } ttl)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("messagettl=")
                .Append(ttl == Timeout.InfiniteTimeSpan ? "-1" : Seconds(ttl, nameof(timeToLive), minimum: 1));
        }

        if (visibilityTimeout is { } visibility)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("visibilitytimeout=").Append(Seconds(visibility, nameof(visibilityTimeout), minimum: 0));
        }

        var payload = BuildMessageXml(body.Span);
        var operation = $"PutMessage {queue}";
        using var response = await _transport.SendAsync(StorageService.Queue, operation,
            static s => new HttpRequestMessage(HttpMethod.Post, s.Uri) { Content = XmlContent(s.Payload) },
            (Uri: Url(queue, "/messages" + query), Payload: payload), cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.Created => true,
            HttpStatusCode.NotFound => false,
            _ => throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Up to <paramref name="count"/> messages without changing their visibility; empty when the queue is empty or missing.</summary>
    public Task<IReadOnlyList<QueueMessage>> PeekMessagesAsync(string queue, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxMessagesPerRead);
        return ReadMessagesAsync(queue, $"/messages?peekonly=true&numofmessages={count.ToString(CultureInfo.InvariantCulture)}", "PeekMessages", cancellationToken);
    }

    /// <summary>Dequeues up to <paramref name="count"/> messages, hiding them for <paramref name="visibilityTimeout"/>; delete each when done.</summary>
    public Task<IReadOnlyList<QueueMessage>> GetMessagesAsync(string queue, int count, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxMessagesPerRead);
        var visibility = Seconds(visibilityTimeout, nameof(visibilityTimeout), minimum: 1);
        return ReadMessagesAsync(queue,
            $"/messages?numofmessages={count.ToString(CultureInfo.InvariantCulture)}&visibilitytimeout={visibility}", "GetMessages", cancellationToken);
    }

    /// <summary>Deletes a dequeued message; false when it is gone or the pop receipt is stale.</summary>
    public async Task<bool> DeleteMessageAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        ValidateName(queue);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        var operation = $"DeleteMessage {queue}";
        using var response = await _transport.SendAsync(StorageService.Queue, operation,
            static uri => new HttpRequestMessage(HttpMethod.Delete, uri),
            Url(queue, $"/messages/{Uri.EscapeDataString(messageId)}?popreceipt={Uri.EscapeDataString(popReceipt)}"),
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest
            && await StorageTransport.ReadErrorCodeAsync(response, cancellationToken).ConfigureAwait(false) == "PopReceiptMismatch")
        {
            // The message became visible again and was dequeued by someone else: it is theirs to delete now.
            return false;
        }

        return response.StatusCode switch
        {
            HttpStatusCode.NoContent => true,
            HttpStatusCode.NotFound => false,
            _ => throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Deletes every message in the queue; false when the queue does not exist.</summary>
    public async Task<bool> ClearMessagesAsync(string queue, CancellationToken cancellationToken)
    {
        ValidateName(queue);
        var operation = $"ClearMessages {queue}";
        using var response = await _transport.SendAsync(StorageService.Queue, operation,
            static uri => new HttpRequestMessage(HttpMethod.Delete, uri), Url(queue, "/messages"), cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent => true,
            HttpStatusCode.NotFound => false,
            _ => throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The service's approximate message count, or null when the queue does not exist.</summary>
    public async Task<long?> GetApproximateMessageCountAsync(string queue, CancellationToken cancellationToken)
    {
        ValidateName(queue);
        var operation = $"GetQueueMetadata {queue}";
        using var response = await _transport.SendAsync(StorageService.Queue, operation,
            static uri => new HttpRequestMessage(HttpMethod.Get, uri), Url(queue, "?comp=metadata"), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK
            || !response.Headers.NonValidated.TryGetValues("x-ms-approximate-messages-count", out var values)
            || !long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }

        return count;
    }

    /// <summary>Lists at most one queue: a cheap signed round trip proving the service is reachable and the credentials work.</summary>
    internal async Task ProbeAsync(CancellationToken cancellationToken)
    {
        const string operation = "ListQueues";
        using var response = await _transport.SendAsync(StorageService.Queue, operation,
            static uri => new HttpRequestMessage(HttpMethod.Get, uri), new Uri(_endpoint + "/?comp=list&maxresults=1"),
            cancellationToken, retry: false).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The exact request body of a put: the XML envelope around the base64 of <paramref name="body"/>.</summary>
    internal static byte[] BuildMessageXml(ReadOnlySpan<byte> body)
    {
        // Base64 needs no XML escaping, so the envelope is written as bytes without an XML writer.
        var encodedLength = Base64.GetMaxEncodedToUtf8Length(body.Length);
        var payload = new byte[MessagePrefix.Length + encodedLength + MessageSuffix.Length];
        MessagePrefix.CopyTo(payload, 0);
        Base64.EncodeToUtf8(body, payload.AsSpan(MessagePrefix.Length), out _, out var written);
        MessageSuffix.CopyTo(payload, MessagePrefix.Length + written);
        return payload;
    }

    private async Task<IReadOnlyList<QueueMessage>> ReadMessagesAsync(string queue, string pathAndQuery, string verb, CancellationToken cancellationToken)
    {
        ValidateName(queue);
        var operation = $"{verb} {queue}";
        using var response = await _transport.SendAsync(StorageService.Queue, operation,
            static uri => new HttpRequestMessage(HttpMethod.Get, uri), Url(queue, pathAndQuery), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return ParseMessages(stream);
        }
    }

    internal static List<QueueMessage> ParseMessages(Stream stream)
    {
        var messages = new List<QueueMessage>();
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true });
        while (reader.ReadToFollowing("QueueMessage"))
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var message = reader.ReadSubtree())
            {
                message.Read();
                while (!message.EOF)
                {
                    if (message.NodeType == XmlNodeType.Element && message.Depth == 1)
                    {
                        // Moves past the element's end, onto the next sibling.
                        fields[message.Name] = message.ReadElementContentAsString();
                    }
                    else
                    {
                        message.Read();
                    }
                }
            }

            var text = fields.GetValueOrDefault("MessageText", "");
            messages.Add(new QueueMessage(
                fields.GetValueOrDefault("MessageId", ""),
                fields.GetValueOrDefault("PopReceipt"),
                Decode(text),
                long.Parse(fields.GetValueOrDefault("DequeueCount", "0"), CultureInfo.InvariantCulture),
                Date(fields.GetValueOrDefault("InsertionTime")) ?? default,
                Date(fields.GetValueOrDefault("ExpirationTime")) ?? default,
                Date(fields.GetValueOrDefault("TimeNextVisible"))));
        }

        return messages;
    }

    private static byte[] Decode(string text)
    {
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : Encoding.UTF8.GetBytes(text);
    }

    private static DateTimeOffset? Date(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static ByteArrayContent XmlContent(byte[] payload)
    {
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        return content;
    }

    private static string Seconds(TimeSpan value, string name, int minimum)
    {
        var seconds = (long)Math.Ceiling(value.TotalSeconds);
        if (seconds < minimum || seconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum} s.");
        }

        return seconds.ToString(CultureInfo.InvariantCulture);
    }

    private static void ValidateName(string queue)
    {
        if (!IsValidQueueName(queue))
        {
            throw new ArgumentException($"'{queue}' is not a valid queue name: 3-63 lowercase letters, digits and single hyphens.", nameof(queue));
        }
    }

    private Uri Url(string queue, string suffix = "") => new($"{_endpoint}/{queue}{suffix}");
}
