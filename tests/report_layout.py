"""The layout of a report as a plan chapter (test-only helpers): headings in reading order,
findings first, methods last."""

from __future__ import annotations

import re


def headings(nb) -> list[tuple[int, str]]:
    """(level, text) of every Markdown heading the rendered notebook shows, in order: from
    Markdown cells and from Markdown outputs of code cells."""
    out = []
    for c in nb.cells:
        parts = [c.source] if c.cell_type == "markdown" else []
        parts += [
            str(o.get("data", {}).get("text/markdown", ""))
            for o in c.get("outputs", [])
            if c.cell_type == "code"
        ]
        for part in parts:
            for m in re.finditer(r"^(#{1,6})\s+(.+?)\s*$", part, flags=re.M):
                out.append((len(m.group(1)), m.group(2)))
    return out


def caption_numbers(nb) -> list[str]:
    """The numbers of every figure and table caption the rendered notebook shows, in order
    ("表4-1", "Figure 4-2"): bold Markdown outputs that start with a caption prefix."""
    from analysis.messages import LANGS, t

    prefixes = "|".join(
        re.escape(t(f"present.{kind}_prefix", lang))
        for kind in ("figure", "table")
        for lang in LANGS
    )
    pattern = re.compile(rf"^\*\*((?:{prefixes})\d+(?:-\d+)?)(?=\s|\*)")
    out = []
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            text = str(o.get("data", {}).get("text/markdown", ""))
            out += [m.group(1) for line in text.splitlines() if (m := pattern.match(line))]
    return out


def check_plan_layout(nb, lang: str = "zh") -> None:
    """Title, then the findings (first section: current situation), methods last; no two
    figures or tables of the report share a number."""
    from analysis.messages import t

    numbers = caption_numbers(nb)
    assert numbers, "no numbered caption"
    assert len(numbers) == len(set(numbers)), numbers

    h = headings(nb)
    assert h[0][0] == 1, h[:2]
    sections = [text for level, text in h if level == 2]
    assert sections[0].endswith(t("findings.status", lang)), sections
    assert sections[-1] == t("findings.methods", lang), sections
    assert [s for s in sections if s.endswith(t("findings.actions", lang))], sections
