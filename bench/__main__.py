"""`make bench`: the benchmarks (filled in by the benchmark work)."""
