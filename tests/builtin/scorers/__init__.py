"""Tests of the built-in scorers: ``test_<name>.py`` per ``perception.builtin.scorers.<name>``."""
