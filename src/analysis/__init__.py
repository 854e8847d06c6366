"""Analysis of a prefecture's urban and rural community-services plan.

County development gaps, target projection and plan-ready figures, built on a
tidy data model with provenance (see ``analysis.data``).
"""

__version__ = "0.1.0"
