"""Methods layer: pure numpy/pandas statistics (inequality, composite indices, convergence,
shortfall, tiers, projection, progress status, target decomposition, scenarios).

No ``Dataset``, no reader-facing labels: every function takes arrays or frames and
returns numbers. Imports only ``analysis.errors``; the labels of its codes are in
``analysis.present.words.labels``.
"""
