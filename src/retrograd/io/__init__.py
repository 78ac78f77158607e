"""Files: IDX and CSV data, downloads, model files and checkpoints -- never pickle.

* :mod:`retrograd.io.idx` -- ``read_idx`` / ``write_idx`` (the MNIST format)
* :mod:`retrograd.io.csv` -- ``load_csv`` / ``save_csv``
* :mod:`retrograd.io.download` -- ``download`` with SHA-256 checks into ``cache_dir()``
* :mod:`retrograd.io.model_file` -- ``save(model, path)`` / ``load(path)``
  (also ``rg.save`` / ``rg.load``)
* :mod:`retrograd.io.checkpoint` -- ``save_checkpoint`` / ``load_checkpoint`` /
  ``restore_checkpoint``
* :mod:`retrograd.io.archive` -- the shared format: JSON header + ``.npy`` arrays in a ZIP
* :mod:`retrograd.io.atomic` -- ``atomic_write`` (temp file + fsync + rename)
"""

from retrograd.io import archive, atomic, checkpoint, csv, download, idx, model_file
from retrograd.io.archive import FileFormatError
from retrograd.io.checkpoint import load_checkpoint, restore_checkpoint, save_checkpoint
from retrograd.io.csv import load_csv, save_csv
from retrograd.io.download import DownloadError, cache_dir
from retrograd.io.finite import NonFiniteWeightsError
from retrograd.io.idx import IDXError, read_idx, write_idx
from retrograd.io.model_file import load, save

__all__ = [
    "archive", "atomic", "checkpoint", "csv", "download", "idx", "model_file",
    "FileFormatError", "load_checkpoint", "restore_checkpoint", "save_checkpoint", "load_csv",
    "save_csv", "DownloadError", "cache_dir", "NonFiniteWeightsError", "IDXError", "read_idx",
    "write_idx", "load", "save",
]  # fmt: skip
