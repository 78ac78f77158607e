"""Tests of retrograd.nn (a package so module names do not clash with tests/ops)."""
