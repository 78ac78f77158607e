"""Tests of retrograd.train (mirrors src/retrograd/train)."""
