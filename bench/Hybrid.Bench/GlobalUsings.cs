global using static Hybrid.Bench.BenchStats;
