// Writes readings through the real store writer until killed, printing "ack FIRST LAST ." once ids FIRST..LAST are
// committed (FlushAsync completed). The crash test kills this process with SIGKILL at random moments and checks
// that every acknowledged id is in the file exactly once. Usage: hybrid-store-crash-writer DATA_DIR FIRST_ID [SYNCHRONOUS]
using System.Globalization;
using System.Text;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

var dataDirectory = args[0];
var nextId = long.Parse(args[1], CultureInfo.InvariantCulture);
var synchronous = args.Length > 2 ? Enum.Parse<StoreSynchronous>(args[2], ignoreCase: true) : StoreSynchronous.Normal;
var options = new StoreOptions
{
    Synchronous = synchronous,
    CommitInterval = TimeSpan.FromMilliseconds(2),
    CommitMaxReadings = 500,
    StatsInterval = TimeSpan.Zero,
    MinFreeDiskBytes = 0,
    MinFreeDiskPercent = 0,
};
var agent = new AgentOptions { DeviceId = "crash-test", DataDirectory = dataDirectory };
await using var store = new ReadingStore(Options.Create(options), Options.Create(agent), TimeProvider.System, NullLogger<ReadingStore>.Instance, []);
store.Open();
store.StartWriter();
Console.Out.WriteLine(FormattableString.Invariant($"ready high {store.GetLane(Lane.High).HeadSeq} normal {store.GetLane(Lane.Normal).HeadSeq}"));

var random = new Random();
var pad = new string('x', 160);
while (true)
{
    var first = nextId;
    var count = random.Next(1, 300);
    for (var i = 0; i < count; i++, nextId++)
    {
        // Every 7th id is an alert, so both lanes (each with its own seq) are exercised.
        var type = nextId % 7 == 0 ? "alert.crash" : "telemetry.crash";
        var payload = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{{\"id\":{nextId},\"pad\":\"{pad}\"}}"));
        var key = nextId.ToString(CultureInfo.InvariantCulture);
        while (!store.Writer.TryWrite(new CaptureReading(type, TimeProvider.System.GetUtcNow(), "crash", key, payload)))
        {
            // Channel full: a real capture source would count the drop; here every id must be written, so wait.
            await Task.Delay(1);
        }
    }

    await store.Writer.FlushAsync(CancellationToken.None);
    Console.Out.WriteLine(FormattableString.Invariant($"ack {first} {nextId - 1} ."));
}
