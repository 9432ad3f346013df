"""Benchmarks at city scale (issue 6): `python -m bench.run`, results in BENCHMARKS.md."""
