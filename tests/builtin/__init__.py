"""Tests of the built-in plugins, one module per plugin module (a package, so that test
modules of the same basename under ``scorers``, ``checks`` and ``policies`` do not clash)."""
