"""The message catalogue: every reader-facing string, keyed once, in Chinese and English.

Strings live in the TOML files beside this module, one file per domain (``data.toml``,
``figures.toml`` …); a key is ``<file>.<name>`` (``figures.standard``). Each entry holds
``zh`` and ``en`` and may contain ``str.format`` fields::

    [standard]
    zh = "标准"
    en = "Standard"

>>> from analysis.messages import t
>>> t("common.no_data", "en")
'No data'

``t`` is the one lookup function; ``lang`` is the one parameter name for the language.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("zh", "en")
_DIR = Path(__file__).resolve().parent


class CatalogueError(KeyError):
    """A key that is not in the catalogue (a programming error, not a user error)."""


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, dict[str, str]]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if not isinstance(value, dict):
            raise CatalogueError(f"{key}: expected a table with zh and en")
        if "zh" in value or "en" in value:
            if set(value) != {"zh", "en"}:
                raise CatalogueError(f"{key}: needs exactly zh and en, has {sorted(value)}")
            out[key] = {"zh": str(value["zh"]), "en": str(value["en"])}
        else:
            _flatten(key, value, out)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages: ``{key: {"zh": ..., "en": ...}}``, read once from the TOML files."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            _flatten(path.stem, tomllib.load(fh), out)
    return out


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported; else raise ``CatalogueError``.

    Entry points check a user's ``lang`` with ``analysis.errors.check_lang``, which gives a
    bilingual user error; this lower-level check guards programming errors only.
    """
    if lang not in LANGS:
        raise CatalogueError(f"unsupported language {lang!r}; use one of {LANGS}")
    return lang


def t(key: str, lang: str = "zh", /, **fields: Any) -> str:
    """The message ``key`` in ``lang`` ("zh" or "en"), with ``fields`` formatted in."""
    try:
        entry = catalogue()[key]
    except KeyError:
        raise CatalogueError(f"no message {key!r} in the catalogue") from None
    text = entry[check_lang(lang)]
    return text.format(**fields) if fields else text


def pair(key: str, /, **fields: Any) -> tuple[str, str]:
    """``(zh, en)`` of message ``key``: for bilingual errors and problems."""
    return t(key, "zh", **fields), t(key, "en", **fields)


def has(key: str) -> bool:
    """Whether ``key`` is in the catalogue."""
    return key in catalogue()


def labels(prefix: str, lang: str = "zh") -> dict[str, str]:
    """Every message under ``prefix`` as ``{name: text}`` (``labels("status")``)."""
    p = prefix.rstrip(".") + "."
    return {k[len(p) :]: v[check_lang(lang)] for k, v in catalogue().items() if k.startswith(p)}
