"""Findings in plan language: the opening of every analysis report.

A report opens the way a chapter of a plan does: where things stand, the main problems,
the gaps, the recommendations (catalogue keys ``findings.status/problems/gaps/actions``);
the methods follow in a closing section. Analyses build a :class:`Findings` from their
results (every number in a sentence comes from a computed value, never typed in); this
module only lays it out.

>>> f = Findings(status=["1,431 villages and communities in 2020."])
>>> print(markdown(f, "en"))
## 1. Current situation
<BLANKLINE>
- 1,431 villages and communities in 2020.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.messages import t

SECTIONS = ("status", "problems", "gaps", "actions")


class Sentence(str):
    """A finding sentence that knows whether its numbers come from an illustrative series
    (``illustrative``, set by the builder from the flag its facts carry). The mark itself is
    added in one place, ``text``, when the sentence is laid out."""

    illustrative: bool

    def __new__(cls, text: str, illustrative: bool = False) -> Sentence:
        obj = super().__new__(cls, text)
        obj.illustrative = bool(illustrative)
        return obj


def is_marked(sentence: str) -> bool:
    """Whether ``sentence`` is flagged illustrative (a plain ``str`` never is)."""
    return bool(getattr(sentence, "illustrative", False))


def text(sentence: str, lang: str = "zh") -> str:
    """``sentence`` as read: with the illustrative suffix (``findings.illustrative_suffix``)
    before its final full stop when it is flagged, unchanged otherwise."""
    if not is_marked(sentence):
        return str(sentence)
    mark = t("findings.illustrative_suffix", lang)
    s = str(sentence)
    stop = next((p for p in ("\u3002", ".", "\uff01", "!") if s.endswith(p)), "")
    return (s[: len(s) - len(stop)] if stop else s) + mark + stop


def banner(lang: str = "zh") -> str:
    """The illustrative-data banner at the top of a page (``findings.illustrative_banner``)."""
    return t("findings.illustrative_banner", lang)


@dataclass(frozen=True)
class Findings:
    """Sentences per section, each a complete sentence in the reader's language."""

    status: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[str]]]:
        """``(section, sentences)`` in reading order, empty sections left out."""
        return [(s, getattr(self, s)) for s in SECTIONS if getattr(self, s)]

    def illustrative(self) -> bool:
        """Whether any sentence is flagged illustrative (then the page shows the banner)."""
        return any(is_marked(x) for _, sentences in self.sections() for x in sentences)


def heading(section: str, number: int, lang: str) -> str:
    """Numbered section heading, e.g. ``1. Current situation`` (Chinese numerals in zh)."""
    return t("findings.numbered", lang).format(
        number=t(f"findings.number.n{number}", lang), title=t(f"findings.{section}", lang)
    )


def markdown(findings: Findings, lang: str = "zh", *, level: int = 2) -> str:
    """The findings as Markdown: one heading per non-empty section, one bullet per sentence,
    a flagged sentence with its illustrative mark (``text``) and, when any is flagged, the
    illustrative banner (``banner``) first.

    An empty section is left out rather than shown with a placeholder.
    """
    hashes = "#" * level
    parts: list[str] = [banner(lang)] if findings.illustrative() else []
    for i, (section, sentences) in enumerate(findings.sections(), start=1):
        parts.append(f"{hashes} {heading(section, i, lang)}")
        parts.append("\n".join(f"- {text(s, lang)}" for s in sentences))
    return "\n\n".join(parts)


def methods_heading(lang: str = "zh", *, level: int = 2) -> str:
    """The heading of the closing methods section (``findings.methods``)."""
    return f"{'#' * level} {t('findings.methods', lang)}"


def show(findings: Findings, lang: str = "zh", *, level: int = 2):
    """The findings as an IPython Markdown object (rendered in JupyterLab and the HTML), the
    strings from data escaped (``escape.markdown_text``)."""
    from analysis.present.escape import markdown as escaped

    return escaped(markdown(findings, lang, level=level))
