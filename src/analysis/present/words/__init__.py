"""Report wording: the one seam where results (numbers and codes from ``analysis.analyses``
and ``analysis.methods``) become reader tables, figure inputs, titles, captions and findings
sentences in a language. One module per report topic (``baseline``, ``gaps``, ``targets``,
``evaluation``, ``next_period``, ``national``) plus shared helpers (``labels`` for method
codes, ``plan_text`` and ``plan_words`` for sentences, ``periods`` for plan names,
``tidy`` for reader tables).
"""
