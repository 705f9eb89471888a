using Hybrid.Contracts;
using Hybrid.Functions.Ingest;
using static Hybrid.UnitTests.Ingest.IngestTestData;

namespace Hybrid.UnitTests.Ingest;

public sealed class BatchValidatorTests
{
    private static readonly BatchValidator Validator = new(TimeSpan.FromDays(30), TimeSpan.FromMinutes(5));

    [Fact]
    public void Check_MixedBatch_RejectsOnlyTheBadItems()
    {
        var items = Validator.Check(
        [
            Reading(1),
            Reading(2, type: "Telemetry.Temp"),
            Reading(3, ts: Now.AddDays(-31)),
            Reading(4, ts: Now.AddMinutes(6)),
            Reading(5, payload: "\"" + new string('x', 33 * 1024) + "\""),
            Reading(6),
        ], Now);

        Assert.Equal([true, false, false, false, false, true], items.Select(i => i.IsValid));
        Assert.All(items, i => Assert.True(i.Ordered));
        Assert.Contains("type 'Telemetry.Temp'", items[1].Reason, StringComparison.Ordinal);
        Assert.Contains("MaxTimestampAge", items[2].Reason, StringComparison.Ordinal);
        Assert.Contains("MaxTimestampLead", items[3].Reason, StringComparison.Ordinal);
        Assert.Contains("payload is 33794 bytes", items[4].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TimestampsAtTheWindowEdges_AreValid()
    {
        var items = Validator.Check([Reading(1, ts: Now.AddDays(-30)), Reading(2, ts: Now.AddMinutes(5))], Now);

        Assert.All(items, i => Assert.True(i.IsValid));
    }

    [Fact]
    public void Check_SeqNotAscending_RejectsTheOutOfOrderItemsAndKeepsTheRest()
    {
        var items = Validator.Check([Reading(5), Reading(3), Reading(5), Reading(0), Reading(-2), Reading(7)], Now);

        Assert.Equal([true, false, false, false, false, true], items.Select(i => i.IsValid));
        Assert.Equal([true, false, false, false, false, true], items.Select(i => i.Ordered));
        Assert.Equal("seq 3 is not above the previous seq 5 of the batch; seqs must ascend.", items[1].Reason);
        Assert.Equal("seq must be > 0, got 0.", items[3].Reason);
        Assert.Equal(-2, items[4].Seq);
    }

    [Fact]
    public void Check_InvalidItemStillSetsTheOrder()
    {
        // An item rejected for its type keeps its seq: a later lower seq is out of order, not a fresh item.
        var items = Validator.Check([Reading(10, type: "BAD"), Reading(9)], Now);

        Assert.True(items[0].Ordered);
        Assert.False(items[1].Ordered);
    }

    [Fact]
    public void Check_NullItemAndMissingSourceAndLongKey_AreRejectedWithReasons()
    {
        var noSource = new WireReading { Seq = 2, Type = "t", Ts = Now, Source = "", Payload = default };
        var longKey = new WireReading { Seq = 3, Type = "t", Ts = Now, Source = "s", Key = new string('k', 257), Payload = Reading(1).Payload };

        var items = Validator.Check([null!, noSource, longKey], Now);

        Assert.Equal("The item is null; send a reading object.", items[0].Reason);
        Assert.Equal(0, items[0].Seq);
        Assert.Equal("source must be 1-128 characters, got 0.", items[1].Reason);
        Assert.Equal("key must be at most 256 characters, got 257.", items[2].Reason);
    }
}
