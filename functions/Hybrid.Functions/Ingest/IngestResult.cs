using Hybrid.Contracts;

namespace Hybrid.Functions.Ingest;

/// <summary>The outcome of one request: a 200 answer or a problem.</summary>
internal sealed record IngestResult(IngestResponse? Response, IngestProblem? Problem)
{
    public static IngestResult Ok(IngestResponse response) => new(response, null);

    public static IngestResult Fail(IngestProblem problem) => new(null, problem);
}
