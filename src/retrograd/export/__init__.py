"""Export: run retrograd networks elsewhere.

* :func:`export_onnx` -- an ``.onnx`` file for ONNX Runtime and friends (the
  ``onnx`` extra; ``retrograd export --format onnx MODEL OUT.onnx``);
* :func:`torch_source` / :func:`torch_state_dict` -- the equivalent
  ``torch.nn`` model and the weights to load into it (no torch needed here).
"""

from retrograd.export.to_onnx import CONVERTERS, UnsupportedLayerError, export_onnx
from retrograd.export.to_torch import TORCH_LAYERS, torch_source, torch_state_dict

__all__ = [
    "export_onnx", "UnsupportedLayerError", "CONVERTERS", "torch_source", "torch_state_dict",
    "TORCH_LAYERS",
]  # fmt: skip
