using Hybrid.Bench;

var benchmarks = Benchmarks.All;
var selected = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
if (selected is null)
{
    Console.WriteLine("usage: hybrid-bench NAME [args]   (./hybrid bench NAME)");
    foreach (var benchmark in benchmarks)
    {
        Console.WriteLine($"  {benchmark.Name,-12} {benchmark.Description}");
    }

    return args.Length == 0 ? 0 : 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
return await selected.RunAsync(args[1..], cts.Token);
