"""Tests of retrograd.optim."""
