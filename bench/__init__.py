"""Benchmarks: measurements, not tests. ``python -m bench`` runs them all; see README.md."""
