"""PyTorch twins of medad's zoo v2 (see ../SPEC.md), plus the tools that compare them with medad:
a training-step benchmark, weight/gradient dumps, a training run over given batches, and the
generator of the parity fixtures in Tests/MedadZooTests/Fixtures."""
from .nets import EncoderDecoder, PARAM_COUNTS, BACKBONES, count_parameters

__all__ = ["EncoderDecoder", "PARAM_COUNTS", "BACKBONES", "count_parameters"]
