namespace Hybrid.QueueReader.Storage;

/// <summary>A queue operation failed; <see cref="Failure"/> says how, the message says what to check.</summary>
internal sealed class QueueAccessException : Exception
{
    public QueueAccessException(QueueFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    public QueueAccessException()
    {
    }

    public QueueAccessException(string message)
        : base(message)
    {
    }

    public QueueAccessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public QueueFailure Failure { get; } = QueueFailure.Refused;
}
