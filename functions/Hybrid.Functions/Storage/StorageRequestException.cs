using System.Net;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Storage answered a status the operation does not expect (not a transient one, not a race that is returned as a
/// value): a bad request, failed authorization, a missing permission. Carries the HTTP status and <c>x-ms-error-code</c>.
/// </summary>
public sealed class StorageRequestException : Exception
{
    public StorageRequestException()
    {
    }

    public StorageRequestException(string message)
        : base(message)
    {
    }

    public StorageRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageRequestException(string operation, HttpStatusCode status, string? errorCode, string message)
        : base(message)
    {
        Operation = operation;
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>What was attempted, e.g. <c>PutMessage telemetry</c>.</summary>
    public string Operation { get; } = "";

    /// <summary>The HTTP status storage answered.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>Storage's error code (<c>x-ms-error-code</c>, e.g. <c>AuthenticationFailed</c>), when it sent one.</summary>
    public string? ErrorCode { get; }
}
