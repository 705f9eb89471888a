using Hybrid.Contracts;

namespace Hybrid.Edge.Uplink;

/// <summary>What the uplink does with a batch after the Function (or the network) answered.</summary>
internal enum UplinkReplyKind
{
    /// <summary>200 with a consistent answer: advance over the batch, dead-letter the rejected items.</summary>
    Settled,

    /// <summary>Transient (408, 409, 429, 5xx, an inconsistent 200): send the same batch again later.</summary>
    Retry,

    /// <summary>413: split the batch; a single item still too large is dead-lettered.</summary>
    TooLarge,

    /// <summary>400 with the Function's reason: split to find the offending items and dead-letter only those.</summary>
    BadRequest,

    /// <summary>401, 403, 404 or another answer no retry or split can fix: nothing advances until the setting is fixed.</summary>
    Hold,
}

/// <summary>The classified answer to one POST.</summary>
/// <param name="Kind">What to do next.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Reason">For everything but <see cref="UplinkReplyKind.Settled"/>: what went wrong, for logs and dead letters.</param>
/// <param name="Response">The Function's 200 answer.</param>
/// <param name="RetryAfter">The delay the server asked for (<c>Retry-After</c>), if any.</param>
internal sealed record UplinkReply(UplinkReplyKind Kind, int Status, string Reason, IngestResponse? Response = null, TimeSpan? RetryAfter = null);
