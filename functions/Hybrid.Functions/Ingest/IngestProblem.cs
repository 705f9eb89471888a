namespace Hybrid.Functions.Ingest;

/// <summary>A request ingest refuses as a whole: the HTTP status, a one-line reason, and when to retry (if ever).</summary>
/// <param name="StatusCode">400, 401, 409, 413, 415 or 503.</param>
/// <param name="Reason">What is wrong and how to fix it; returned as the problem's <c>detail</c>.</param>
/// <param name="RetryAfter">Sent as <c>Retry-After</c> when set (409, 503).</param>
internal sealed record IngestProblem(int StatusCode, string Reason, TimeSpan? RetryAfter = null);
