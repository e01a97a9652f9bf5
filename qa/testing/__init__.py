"""Helpers shared by the tests (tests/) and the benchmarks (bench/); the service never imports them.

``ports`` (a free port), ``samples`` (the bundled sample page and where the checkout is), ``generated``
(many distinct news-like articles and the questions only each answers), ``server`` (the real server
in a child process: started, waited for, its log read, stopped). They expect a source checkout: the
server and the build are started from its ``server.py`` and ``build_index.py``.
"""
