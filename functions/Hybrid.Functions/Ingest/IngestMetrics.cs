using System.Diagnostics.Metrics;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// The ingest Function's own metrics (meter <c>Hybrid.Ingest</c>): what an operator must be able to alert on without
/// reading logs. Exported by whatever the host wires up (Application Insights / OpenTelemetry in Azure).
/// </summary>
internal sealed class IngestMetrics
{
    public const string MeterName = "Hybrid.Ingest";

    private readonly Counter<long> _gapsClosed;
    private readonly Counter<long> _gapSeqs;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _gapsClosed = meter.CreateCounter<long>("hybrid.ingest.gaps_closed", "{gap}", "Gaps the watermark moved over without their seqs (settled by the sender, or too many ranges open).");
        _gapSeqs = meter.CreateCounter<long>("hybrid.ingest.gap_seqs", "{seq}", "Seqs inside closed gaps: never received when their gap closed.");
    }

    public void GapsClosed(GapClosure closed)
    {
        _gapsClosed.Add(closed.Gaps);
        _gapSeqs.Add(closed.Seqs);
    }
}
