"""Tests of the built-in checks: ``test_<name>.py`` per ``perception.builtin.checks.<name>``."""
