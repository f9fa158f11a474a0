"""The county-scale benchmark: a data generator (generate.py), timings through the URL stack (run.py)
and a load test (load.py with locustfile.py). See docs/scaling.md."""
