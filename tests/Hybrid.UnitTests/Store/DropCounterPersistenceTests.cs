using Hybrid.Edge.Store;
using Hybrid.Testing;

namespace Hybrid.UnitTests.Store;

/// <summary>Drop counters are saved with the store, so what `status` reads after a reboot is the truth.</summary>
public sealed class DropCounterPersistenceTests
{
    [Fact]
    public async Task Reopen_AfterCapacityAndChannelDrops_CountsSurviveAndKeepGrowing()
    {
        using var dir = new TempDirectory("store");
        await using (var store = TestStores.CreateClosed(dir.Path, o => (o.ChannelCapacity, o.CommitMaxReadings, o.MaxRows) = (16, 16, 10)))
        {
            // Not started yet: 4 of 20 overflow the channel; of the 16 committed, 6 exceed MaxRows.
            var accepted = Enumerable.Range(0, 20).Count(i => store.Writer.TryWrite(TestStores.Reading(key: $"r{i}")));
            Assert.Equal(16, accepted);
            store.Open();
            store.StartWriter();
            await store.Writer.FlushAsync(CancellationToken.None);
            Assert.Equal(4, store.Counters.Dropped(DropReason.ChannelFull));
            Assert.Equal(6, store.Counters.Dropped(DropReason.Capacity));
        }

        await using (var store = TestStores.Create(dir.Path, o => o.MaxRows = 10))
        {
            Assert.Equal(4, store.Counters.Dropped(DropReason.ChannelFull));
            Assert.Equal(6, store.Counters.Dropped(DropReason.Capacity));

            await TestStores.WriteAsync(store, Enumerable.Range(0, 3).Select(i => TestStores.Reading(key: $"n{i}")));
            Assert.Equal(9, store.Counters.Dropped(DropReason.Capacity));
        }

        await using (var store = TestStores.Create(dir.Path, o => o.MaxRows = 10))
        {
            var stats = await store.GetStatsAsync(CancellationToken.None);
            Assert.Equal(9, stats.Dropped[DropReason.Capacity]);
            Assert.Equal(4, stats.Dropped[DropReason.ChannelFull]);
            Assert.Equal(0, stats.Dropped[DropReason.Ttl]);
        }
    }

    [Fact]
    public async Task Reopen_ReadingOfferedAfterTheWriterStopped_IsCountedForThatRunOnly()
    {
        using var dir = new TempDirectory("store");
        await using (var store = TestStores.Create(dir.Path, o => o.ChannelCapacity = 4))
        {
            await TestStores.WriteAsync(store, [TestStores.Reading()]);
            await store.Writer.CompleteAsync(CancellationToken.None);

            // Offered after the writer's final save: counted (and in the final stats line), but not in the file.
            Assert.False(store.Writer.TryWrite(TestStores.Reading()));
            Assert.Equal(1, store.Counters.Dropped(DropReason.Stopped));
        }

        await using (var store = TestStores.Create(dir.Path))
        {
            Assert.Equal(0, store.Counters.Dropped(DropReason.Stopped));
        }
    }
}
