using System.Runtime.ExceptionServices;

namespace Hybrid.Functions.Ingest;

/// <summary>Which messages were sent, and the first failure if any.</summary>
internal sealed record SendReport(bool[] Sent, ExceptionDispatchInfo? Failure)
{
    public bool AllSent => Failure is null;
}
