"""Data layer: schema, reading and validation, the ``Dataset``, derived indicators,
Excel template/import and the illustrative and synthetic generators.

Imports nothing from ``methods``, ``analyses``, ``present`` or ``runner``.
"""

from analysis.data.dataset import SOURCE_SEP, Dataset
from analysis.data.load import load

__all__ = ["SOURCE_SEP", "Dataset", "load"]
