"""Tests of the built-in follow-up policies, one module per policy."""
