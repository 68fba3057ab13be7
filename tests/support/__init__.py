"""Tools shared by the tests and the benchmarks, so each is written once.

- :mod:`tests.support.server`: the app served as in production (``assessor serve``, gunicorn) on
  a free port of 127.0.0.1, in its own process group: started, health-checked, stopped or killed.
- :mod:`tests.support.client`: one user made of plain HTTP (keep-alive connection, cookie jar,
  forms read from the HTML and posted back with their CSRF token).
- :mod:`tests.support.html`: HTML pages parsed into a small tree to query (tests and client).
- :mod:`tests.support.stats`: medians and percentiles of timings.
- :mod:`tests.support.data`: test data used by several suites.

Importable as ``tests.support`` from pytest (``pythonpath = ["."]`` in pyproject.toml) and from
``python -m benchmarks.run`` run at the repository root. Only ever talks to 127.0.0.1.
"""
