"""Analyses layer: a ``Dataset`` plus parameters -> code-named result tables, one module per
report family (baseline, county gaps, targets, evaluation, next period). Numbers and codes
only: no ``lang``, no wording (``analysis.present.words``); uses ``data`` and ``methods``.
"""
