"""Benchmarks: scripts run from the repository root (see bench/RESULTS.md)."""
