"""Benchmarks of the service desk against a real gunicorn and a large data set.

Run with ``make bench`` (or ``.venv/bin/python -m bench --help``); see docs/performance.md.
"""
