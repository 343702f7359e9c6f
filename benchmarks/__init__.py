"""`make bench`: the SPA screens against the real server on a large seeded tenant, and a floor.

See benchmarks/run.py for the command line and benchmarks/README.md for the method and figures.
"""
