"""The performance suite behind ``benchmarks/run.py`` (issue 6).

Each case builds the same model in retrograd, PyTorch (CPU) and, where it helps, a
minimal hand-written NumPy implementation, then times them *interleaved* in one
process (retrograd, torch, numpy, then the next repetition in a rotated order) so that
load from other processes hits all of them alike. Reported figures are medians of the
repetitions; wall-clock time is primary, process CPU time is recorded beside it
because the benchmark machine is shared.
"""
