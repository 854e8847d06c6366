"""Words for regions from their level and type: "the whole prefecture / province / city /
country" and the collective name of the units, in Chinese and English (catalogue
``regions.*``).

A region's type comes from its level and the ending of its Chinese name (autonomous
prefecture, prefecture-level city, league, province, autonomous region, municipality ...);
the endings themselves are catalogue entries, so no Chinese text lives in code and no
region code is ever consulted.

>>> whole_word("prefecture", "Qiannan Buyei and Miao Autonomous Prefecture", "en")
'the whole region'
"""

from __future__ import annotations

from collections.abc import Iterable

from analysis.errors import UserError
from analysis.messages import t

_SUFFIXES = (
    "autonomous_prefecture",
    "autonomous_region",
    "prefecture_area",
    "league",
    "province",
    "city",
    "district",
    "banner",
    "county",
)


def region_type(level: str, name_zh: str) -> str:
    """Type of a region: its level refined by the ending of its Chinese name."""
    name = str(name_zh).strip()
    ending = next((s for s in _SUFFIXES if name.endswith(t(f"regions.suffix_{s}", "zh"))), "")
    if level == "country":
        return "country"
    if level == "province":
        if ending == "autonomous_region":
            return "autonomous_region"
        return "municipality" if ending == "city" else "province"
    if level == "prefecture":
        if ending in ("autonomous_prefecture", "prefecture_area", "league"):
            return ending
        return "city" if ending == "city" else "region"
    if level == "county":
        return ending or "county"
    return "region"


def whole_word(level: str, name_zh: str, lang: str = "zh") -> str:
    """The region as a whole (``regions.whole_<type>``; ``regions.whole_region`` if unknown)."""
    kind = region_type(level, name_zh)
    key = f"regions.whole_{kind}"
    if kind in ("district", "banner"):
        key = "regions.whole_county"
    try:
        return t(key, lang)
    except KeyError:
        return t("regions.whole_region", lang)


def units_word(level: str, names_zh: Iterable[str], lang: str = "zh") -> str:
    """What the analysis units are called together (``regions.units_<kind>``)."""
    if level == "prefecture":
        return t("regions.units_prefectures", lang)
    if level == "province":
        return t("regions.units_provinces", lang)
    if level != "county":
        return t("regions.units_regions", lang)
    kinds = {region_type("county", n) for n in names_zh}
    if "district" in kinds:
        return t("regions.units_counties_districts", lang)
    if "banner" in kinds:
        return t("regions.units_counties_banners", lang)
    return t("regions.units_counties", lang)


def neutral(lang: str = "zh") -> dict[str, str]:
    """The catalogue fields ``units`` and ``whole`` when no data set is at hand: words that
    fit any region (``regions.units_regions``, ``regions.whole_region``)."""
    return {"units": t("regions.units_regions", lang), "whole": t("regions.whole_region", lang)}


def fields(ds: object | None, lang: str = "zh") -> dict[str, str]:
    """The catalogue fields ``units`` and ``whole`` of a data set (``Dataset.units_word``,
    ``Dataset.whole_word``), or the neutral words when ``ds`` is None."""
    if ds is None:
        return neutral(lang)
    return {"units": ds.units_word(lang), "whole": ds.whole_word(lang)}  # type: ignore[attr-defined]


def fill(text: str, words: dict[str, str]) -> str:
    """``text`` with only the fields ``{units}`` and ``{whole}`` replaced (other braces, such
    as fields filled later in a browser, are left as they are); a word that opens the text
    starts with a capital letter ("Counties", "The prefecture")."""
    for k in ("units", "whole"):
        if k in words:
            word = words[k]
            if text.startswith("{" + k + "}"):
                text = word[:1].upper() + word[1:] + text[len(k) + 2 :]
            text = text.replace("{" + k + "}", word)
    return text


def user_error(ds: object | None, key: str, /, **other: object) -> UserError:
    """``errors.user_error`` for a message with the fields ``{units}``/``{whole}``: each
    language gets the data set's own words (neutral words when ``ds`` is None)."""
    zh, en = (t(key, lg, **fields(ds, lg), **other) for lg in ("zh", "en"))
    return UserError(zh, en)
