using System.Net;
using Azure;
using Hybrid.Functions.Ingest;

namespace Hybrid.Functions.Storage;

/// <summary>
/// The one place where the Azure SDKs' failures (<see cref="RequestFailedException"/> with its <c>Status</c> and
/// <c>ErrorCode</c>, and the exceptions their retry policy ends with) become our outcomes: the expected races as
/// <see cref="StorageFailure"/> values, everything else as <see cref="StorageUnavailableException"/> (503) or
/// <see cref="StorageRequestException"/> with the setting or role to fix.
/// </summary>
internal static class StorageErrors
{
    /// <summary>What <paramref name="exception"/> means, or null when it is not a storage failure (a bug, or our own cancellation).</summary>
    public static StorageFailure? Classify(Exception exception) => exception switch
    {
        RequestFailedException { Status: 409 } => StorageFailure.Conflict,
        RequestFailedException { Status: 412 } => StorageFailure.PreconditionFailed,
        RequestFailedException { Status: 404 } => StorageFailure.NotFound,
        // Status 0: no response at all (connection refused or reset, DNS); the others are the transient statuses the
        // SDK retries itself, still failing after its last attempt.
        RequestFailedException { Status: 0 or 408 or 429 or 500 or 502 or 503 or 504 } => StorageFailure.Unavailable,
        RequestFailedException => StorageFailure.Refused,
        // The SDK's retry policy ends with an AggregateException of every attempt's failure when none got a response.
        AggregateException aggregate when aggregate.InnerExceptions.All(IsTransport) => StorageFailure.Unavailable,
        _ when IsTransport(exception) => StorageFailure.Unavailable,
        _ => null,
    };

    /// <summary>
    /// The exception to throw for a failure that is not an expected value: <see cref="StorageUnavailableException"/> for
    /// <see cref="StorageFailure.Unavailable"/>, otherwise <see cref="StorageRequestException"/> naming what to fix.
    /// Messages carry the status and error code, never a key or token.
    /// </summary>
    /// <param name="operation">What was attempted, e.g. <c>PutMessage telemetry</c>.</param>
    /// <param name="exception">The SDK's exception.</param>
    /// <param name="attempts">Attempts the client makes (the SDK's retries plus one).</param>
    /// <param name="usesIdentity">True for Entra ID (managed identity), false for an account key.</param>
    public static Exception ToException(string operation, Exception exception, int attempts, bool usesIdentity)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var failed = exception as RequestFailedException;
        if (Classify(exception) == StorageFailure.Unavailable)
        {
            if (failed is { Status: > 0 })
            {
                return new StorageUnavailableException(
                    $"Storage {operation} answered {failed.Status}{(ErrorCode(failed) is { } transient ? $" {transient}" : "")} after {attempts} attempt(s).", exception);
            }

            var tries = exception is AggregateException aggregate ? aggregate.InnerExceptions.Count : attempts;
            return new StorageUnavailableException($"Storage {operation} failed after {tries} attempt(s): {TransportReason(exception)}", exception);
        }

        var status = (HttpStatusCode)(failed?.Status ?? 0);
        var code = failed is null ? null : ErrorCode(failed);
        var phrase = failed?.GetRawResponse()?.ReasonPhrase is { Length: > 0 } reason ? reason : status.ToString();
        var hint = (status, usesIdentity) switch
        {
            (HttpStatusCode.Forbidden, false) =>
                " The request was refused: check the AccountKey in Hybrid:Storage:ConnectionString and the machine's clock.",
            (HttpStatusCode.Forbidden, true) or (HttpStatusCode.Unauthorized, true) =>
                " The identity was refused: grant it Storage Queue Data Contributor and Storage Table Data Contributor on the account (Hybrid:Storage:AccountName).",
            (HttpStatusCode.Unauthorized, false) => " The credentials were refused: check Hybrid:Storage:ConnectionString.",
            _ => "",
        };
        return new StorageRequestException(operation, status, code,
            $"Storage {operation} answered {(int)status} {phrase}{(code is null ? "" : $" ({code})")}.{hint}");
    }

    /// <summary>
    /// The SDK's error code, else the <c>x-ms-error-code</c> header: the table SDK reads the code from the JSON body
    /// only, and a body-less answer (a 503 from a front end, HEAD-like probes) carries it in the header alone.
    /// </summary>
    private static string? ErrorCode(RequestFailedException failed) =>
        failed.ErrorCode is { Length: > 0 } code ? code
        : failed.GetRawResponse()?.Headers.TryGetValue("x-ms-error-code", out var header) == true ? header
        : null;

    private static bool IsTransport(Exception exception) =>
        exception is RequestFailedException { Status: 0 } or HttpRequestException or IOException
            // The SDK's per-attempt network timeout (Retry.NetworkTimeout) surfaces as a TaskCanceledException around
            // the cancellation it caused ("exceeded the configured timeout"); a cancellation of the caller's own token
            // has no inner exception, is not a storage failure and propagates.
            or OperationCanceledException { InnerException: OperationCanceledException or TimeoutException };

    private static string TransportReason(Exception exception)
    {
        var last = exception is AggregateException aggregate ? aggregate.InnerExceptions[^1] : exception;
        return last.Message;
    }
}
