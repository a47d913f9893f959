"""The evaluate stage: encode benchmarks, rank relevant candidates, compute metrics and significance."""
