"""Report pages as section calls: each notebook opens its report with one call and shows
its sections one call each, so notebooks hold no logic and every report renders from the
results model (``analysis.results``) through one display idiom (``present.chapter``).

Modules: ``page`` (what every report shares), ``baseline`` (01), ``gaps`` (02),
``projection`` (03), ``evaluation`` (05), ``next_period`` (06).
"""
