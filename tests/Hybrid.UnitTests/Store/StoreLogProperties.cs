using FsCheck.Xunit;
using Hybrid.Edge.Store;
using Hybrid.Testing;

namespace Hybrid.UnitTests.Store;

/// <summary>
/// Random sequences of append / read / advance / retention / restart against a real store file, checked after
/// every step against a simple model: cursors never pass the head, a sink never gets a reading at or below its
/// cursor, every lane keeps write order, and retention removes exactly what every sink passed.
/// </summary>
public sealed class StoreLogProperties
{
    private static readonly string[] SinkNames = ["mqtt", "uplink"];

    [Property(MaxTest = 40, StartSize = 10, EndSize = 60)]
    public bool RandomOperations_KeepTheLogInvariants((byte Kind, byte A, byte B)[] operations) =>
        Run(operations ?? []).GetAwaiter().GetResult();

    private static bool Fail(string message) => throw new InvalidOperationException(message);

    private static async Task<bool> Run((byte Kind, byte A, byte B)[] operations)
    {
        using var dir = new TempDirectory("store-prop");
        var store = TestStores.Create(dir.Path, sinks: SinkNames);
        try
        {
            var written = new[] { new List<(long Seq, string Key)>(), new List<(long Seq, string Key)>() };
            // Seqs are never reused: after retention empties a lane, the next reading still gets last seq + 1.
            var lastSeq = new long[2];
            var cursors = new long[2, 2];
            var nextKey = 0;
            foreach (var (kind, a, b) in operations)
            {
                var sinkIndex = b % 2;
                var sink = store.GetSink(SinkNames[sinkIndex]);
                var lane = (Lane)(a % 2);
                var laneIndex = (int)lane;
                var head = lastSeq[laneIndex];
                switch (kind % 6)
                {
                    case 0:
                        var count = (a % 20) + 1;
                        var readings = new List<CaptureReading>();
                        for (var i = 0; i < count; i++)
                        {
                            var high = (b + i) % 3 == 0;
                            var key = $"k{nextKey++:D6}";
                            readings.Add(TestStores.Reading(high ? "alert.test" : "telemetry.test", key));
                            var laneOfReading = high ? 0 : 1;
                            written[laneOfReading].Add((++lastSeq[laneOfReading], key));
                        }

                        await TestStores.WriteAsync(store, readings);
                        break;
                    case 1:
                        var cursor = sink.GetCursor(lane);
                        var batch = await sink.ReadAsync(lane, cursor, (b % 7) + 1, int.MaxValue, CancellationToken.None);
                        var expected = written[laneIndex].Where(w => w.Seq > cursor).Take((b % 7) + 1).ToList();
                        if (!batch.Select(r => (r.Seq, r.Key!)).SequenceEqual(expected) || batch.Any(r => r.Seq <= cursor || r.Lane != lane))
                        {
                            return Fail($"read {lane} after {cursor}: got [{string.Join(",", batch.Select(r => r.Seq))}], expected [{string.Join(",", expected.Select(e => e.Seq))}]");
                        }

                        break;
                    case 2:
                        var current = cursors[sinkIndex, laneIndex];
                        var target = current + (head == current ? 0 : b % (head - current + 1));
                        await sink.AdvanceAsync(lane, target, CancellationToken.None);
                        cursors[sinkIndex, laneIndex] = Math.Max(current, target);
                        break;
                    case 3:
                        try
                        {
                            await sink.AdvanceAsync(lane, head + 1 + (b % 3), CancellationToken.None);
                            return Fail($"advance {lane} past head {head} was accepted");
                        }
                        catch (ArgumentOutOfRangeException)
                        {
                        }

                        break;
                    case 4:
                        await store.Writer.RunRetentionAsync(CancellationToken.None);
                        for (var l = 0; l < 2; l++)
                        {
                            var passed = Math.Min(cursors[0, l], cursors[1, l]);
                            written[l].RemoveAll(w => w.Seq <= passed);
                        }

                        break;
                    default:
                        await store.DisposeAsync();
                        store = TestStores.Create(dir.Path, sinks: SinkNames);
                        break;
                }

                for (var l = 0; l < 2; l++)
                {
                    // Retention may also run on its own (at start, on its timer): the log must then be a suffix of
                    // the model that still holds everything some sink has not passed.
                    var rows = TestStores.Rows(store.Path, (Lane)l).Select(r => (r.Seq, r.Key!)).ToList();
                    var passedByAll = Math.Min(cursors[0, l], cursors[1, l]);
                    var isSuffix = rows.SequenceEqual(written[l].Skip(written[l].Count - rows.Count));
                    var keepsUnpassed = written[l].Where(w => w.Seq > passedByAll).All(rows.Contains);
                    if (kind % 6 == 4 ? !rows.SequenceEqual(written[l]) : !(isSuffix && keepsUnpassed))
                    {
                        return Fail($"after op {kind % 6}: lane {l} rows [{string.Join(",", rows.Select(r => r.Seq))}], model [{string.Join(",", written[l].Select(w => w.Seq))}]");
                    }

                    written[l] = rows;

                    for (var s = 0; s < 2; s++)
                    {
                        var laneHead = store.GetLane((Lane)l).HeadSeq;
                        var c = store.GetSink(SinkNames[s]).GetCursor((Lane)l);
                        if (c != cursors[s, l] || c > laneHead)
                        {
                            return Fail($"after op {kind % 6}: sink {s} lane {l} cursor {c}, model {cursors[s, l]}, head {laneHead}");
                        }
                    }
                }
            }

            return true;
        }
        finally
        {
            await store.DisposeAsync();
        }
    }
}
