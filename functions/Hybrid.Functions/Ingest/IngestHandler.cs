using System.Globalization;
using Hybrid.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// The ingest request, shared by <see cref="IngestApi"/> (standalone) and <see cref="Hosting.FunctionEntryPoints"/> (Functions host):
/// key check, body limits, parse, then <see cref="IngestProcessor"/>.
/// </summary>
internal sealed class IngestHandler(FunctionKeyCheck keyCheck, IngestProcessor processor, IOptions<IngestOptions> options, ILogger<IngestHandler> logger)
{
    public async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!keyCheck.IsAuthorized(context.Request))
        {
            return Refuse(context, new IngestProblem(StatusCodes.Status401Unauthorized,
                "Missing or wrong function key; send it in the x-functions-key header or the code query parameter."));
        }

        var (body, readProblem) = await RequestBodyReader.ReadAsync(context.Request, options.Value, cancellationToken).ConfigureAwait(false);
        if (readProblem is not null)
        {
            return Refuse(context, readProblem);
        }

        IngestResult result;
        using (body)
        {
            var (batch, parseProblem) = BatchParser.Parse(body!.Span, options.Value.MaxItems);
            if (parseProblem is not null)
            {
                return Refuse(context, parseProblem);
            }

            result = await processor.ProcessAsync(batch!, cancellationToken).ConfigureAwait(false);
        }

        return result.Problem is { } problem ? Refuse(context, problem) : TypedResults.Ok(result.Response);
    }

    private ProblemHttpResult Refuse(HttpContext context, IngestProblem problem)
    {
        if (problem.RetryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(delay.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (problem.StatusCode is not (StatusCodes.Status409Conflict or StatusCodes.Status503ServiceUnavailable))
        {
            // 409 and 503 are logged where they arise, with the device.
            Log.RequestRefused(logger, problem.StatusCode, problem.Reason);
        }

        return TypedResults.Problem(problem.Reason, statusCode: problem.StatusCode);
    }
}
