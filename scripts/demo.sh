#!/usr/bin/env bash
# The main job (README quickstart, step 1): set up .venv and train on the built-in digits.
# Trains a 64-256-10 ReLU MLP (SGD + momentum, cosine schedule), prints the test accuracy and
# the confusion matrix, and writes runs/digits/{model.npz,history.json,loss.png,
# confusion_matrix.png}. Extra arguments go to `retrograd train` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
# The digits network multiplies small matrices (32x64 @ 64x256): there, BLAS worker threads cost
# more than they save (about 6x more CPU time on a busy 2-core machine), so use one unless told.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec .venv/bin/retrograd train "$@"
