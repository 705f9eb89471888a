namespace Hybrid.QueueReader.Storage;

/// <summary>Why a queue could not be read.</summary>
internal enum QueueFailure
{
    /// <summary>The queue does not exist (the Function creates a queue when it first sends to it).</summary>
    QueueNotFound,

    /// <summary>No answer from the queue service: wrong endpoint, or the service (Azurite) is down.</summary>
    Unreachable,

    /// <summary>The service answered with an error: a wrong account key, a missing role, a bad request.</summary>
    Refused,
}
