"""`make bench`: the SPA screens against the real server on a large seeded tenant, and a floor.

See benchmarks/run.py for the command line and README.md (Performance) for the figures.
"""
