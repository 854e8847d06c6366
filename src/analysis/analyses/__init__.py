"""Analyses layer: a ``Dataset`` plus parameters -> result tables, one module per report
family (baseline, county gaps, targets). Uses ``data`` and ``methods``; draws nothing.
"""
