"""Presentation layer: style, figures, maps, captions, tables, Word documents and the plan
figure set. Turns results into what readers see; computes no statistics of its own.
"""
