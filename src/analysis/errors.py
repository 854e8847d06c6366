"""User-facing errors: bilingual (Chinese first), no traceback in the CLI or in notebooks.

``UserError`` is for mistakes a user can fix (a bad parameter, a bad file).  The CLI
catches it and exits with code 2; IPython renders it without a traceback through
``_render_traceback_``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from analysis.messages import LANGS, pair, t

T = TypeVar("T")


class UserError(Exception):
    """An error the user can fix. ``zh`` and ``en`` carry the same message."""

    def __init__(self, zh: str, en: str | None = None):
        self.zh = zh
        self.en = en if en is not None else zh
        super().__init__(self.message())

    def message(self) -> str:
        """Both languages, control characters from data escaped (terminal safety)."""
        text = self.zh if self.zh == self.en else f"{self.zh}\n{self.en}"
        return escape_controls(text, keep_newlines=True)

    def _render_traceback_(self) -> list[str]:  # IPython hook: show message, not a traceback
        return [f"{type(self).__name__}:", *self.message().splitlines()]


def unknown(kind: str, bad: Iterable[object], valid: Sequence[object]) -> UserError:
    """Error for unknown codes or choices, listing the valid ones.

    ``kind`` is a catalogue key naming what was looked up (``"kinds.region_code"``).
    """

    fields = {"bad": ", ".join(map(str, bad)), "valid": ", ".join(map(str, valid))}
    return UserError(
        t("common.unknown_choice", "zh", kind=t(kind, "zh"), **fields),
        t("common.unknown_choice", "en", kind=t(kind, "en"), **fields),
    )


def check_choice(value: T, valid: Sequence[T], kind: str) -> T:
    """Return ``value`` if it is one of ``valid``, else raise ``unknown(kind, ...)``."""
    if value not in valid:
        raise unknown(kind, [value], [str(v) for v in valid])
    return value


def check_lang(lang: str) -> str:
    """Return ``lang`` ("zh" or "en") or raise a bilingual ``UserError`` listing both."""

    return check_choice(lang, LANGS, "kinds.language")


def user_error(key: str, /, **fields: object) -> UserError:
    """A ``UserError`` whose text is catalogue message ``key`` with ``fields``."""

    return UserError(*pair(key, **fields))


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control and format characters (``\\x1b``, ``\\u202e`` ...) escaped.

    Data can hold any character; printed raw, an escape sequence or a bidi override would
    rewrite the user's terminal. Tabs become ``\\t``; newlines are kept only on request.
    """
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\u200d":
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file. ``row`` counts as a person does (header = row 1)."""

    file: str
    row: int | None
    column: str | None
    zh: str
    en: str

    def location(self) -> str:
        """``file, row 3, column value``; a workbook cell reads ``book.xlsx, sheet!G7``."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column and "!" in self.column:
            parts.append(self.column)
        elif self.column:
            parts.append(f"column {self.column}")
        return escape_controls(", ".join(parts))

    def __str__(self) -> str:
        return escape_controls(f"{self.location()}: {self.zh} / {self.en}")


class DataError(UserError):
    """One or more problems found in the input data (all of them, not just the first).

    ``total`` counts problems not listed one by one (a capped kind lists its first few and
    the number of the rest); it defaults to the number listed.
    """

    def __init__(self, problems: Sequence[Problem], total: int | None = None):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.en))
        n = len(self.problems) if total is None else total
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            t("data.problems_header", "zh", n=n) + "\n" + lines,
            t("data.problems_footer", "en", n=n),
        )
