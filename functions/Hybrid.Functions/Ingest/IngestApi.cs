using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Hybrid.Contracts;

namespace Hybrid.Functions.Ingest;

/// <summary><c>POST /api/ingest</c>: key check, body limits, parse, then <see cref="IngestProcessor"/>.</summary>
internal static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/ingest", PostAsync);
        return endpoints;
    }

    private static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> PostAsync(
        HttpContext context,
        FunctionKeyCheck keyCheck,
        IngestProcessor processor,
        IOptions<IngestOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(IngestApi).FullName!);
        if (!keyCheck.IsAuthorized(context.Request))
        {
            return Refuse(context, logger, new IngestProblem(StatusCodes.Status401Unauthorized,
                "Missing or wrong function key; send it in the x-functions-key header or the code query parameter."));
        }

        var (body, readProblem) = await RequestBodyReader.ReadAsync(context.Request, options.Value, cancellationToken).ConfigureAwait(false);
        if (readProblem is not null)
        {
            return Refuse(context, logger, readProblem);
        }

        IngestResult result;
        using (body)
        {
            var (batch, parseProblem) = BatchParser.Parse(body!.Span, options.Value.MaxItems);
            if (parseProblem is not null)
            {
                return Refuse(context, logger, parseProblem);
            }

            result = await processor.ProcessAsync(batch!, cancellationToken).ConfigureAwait(false);
        }

        return result.Problem is { } problem ? Refuse(context, logger, problem) : TypedResults.Ok(result.Response);
    }

    private static ProblemHttpResult Refuse(HttpContext context, ILogger logger, IngestProblem problem)
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
