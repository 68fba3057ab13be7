"""Benchmarks of the report and the web app (``make bench``); not part of the test suite."""
