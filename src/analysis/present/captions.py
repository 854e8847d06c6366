"""Captions and source notes generated from provenance.

Every figure and table in the plan carries a number (图2-1 / 表3-2), a title with its
unit, and a source note that lists the titles of every source behind the values
shown, adding 示意数据 when any value is illustrative and 示意图 on maps.

>>> n = Numbering(chapter=2)
>>> n.figure("各县(市)每百户居民社区综合服务设施面积")
'图2-1 各县(市)每百户居民社区综合服务设施面积'
>>> source_note(ds, ds.obs("facility_area_per_100hh", years=2020))
'资料来源: 《中国人口普查分县资料—2020》; 示意数据: ...。注: 含示意数据(illustrative data)。'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.present import style

ILLUSTRATIVE_ZH = "示意数据"
SCHEMATIC_ZH = "示意图"


def _titles(
    ds, obs: pd.DataFrame, extra_sources: Sequence[str] = (), lang: str = "zh"
) -> tuple[list[str], bool]:
    src = ds.sources_of(obs)
    if extra_sources:
        more = ds.sources[ds.sources["id"].isin(list(extra_sources))]
        src = pd.concat([src, more]).drop_duplicates("id").sort_values("id")
    title = src["title"].astype(str)
    if lang == "en" and "title_en" in src.columns:  # English title where sources.csv has one
        title = src["title_en"].fillna("").astype(str).where(lambda t: t.str.strip() != "", title)
    titles = list(dict.fromkeys(title))
    return titles, bool((src["kind"] == "illustrative").any())


def source_note(
    ds,
    obs: pd.DataFrame,
    lang: str = "zh",
    *,
    schematic_map: bool = False,
    extra_sources: Sequence[str] = (),
    method: str = "",
) -> str:
    """Source note for the values in ``obs`` (rows of ``ds.obs``), in Chinese or English.

    zh: "资料来源: <titles>。" + "注: 含示意数据(illustrative data)。" when any source is
    illustrative + "地图为示意图(schematic map)。" for maps; ``method`` adds a sentence on
    how values were computed. Source ids in ``extra_sources`` (e.g. the map boundaries)
    are listed too.
    """
    style.check_lang(lang)
    titles, illustrative = _titles(ds, obs, extra_sources, lang)
    notes_zh, notes_en = [], []
    if method:
        notes_zh.append(method)
        notes_en.append(method)
    if illustrative:
        notes_zh.append(f"含{ILLUSTRATIVE_ZH}(illustrative data),不代表实际统计数")
        notes_en.append(f"includes illustrative data ({ILLUSTRATIVE_ZH}), not official statistics")
    if schematic_map:
        notes_zh.append(f"地图为{SCHEMATIC_ZH}(schematic map),不作为行政区划界线依据")
        notes_en.append(f"the map is schematic ({SCHEMATIC_ZH}), not an authoritative boundary")
    if lang == "zh":
        text = "资料来源: " + ("; ".join(titles) if titles else "无") + "。"
        if notes_zh:
            text += "注: " + ";".join(n.rstrip("。") for n in notes_zh) + "。"
        return text
    text = "Source: " + ("; ".join(titles) if titles else "none") + "."
    if notes_en:
        text += " Note: " + "; ".join(n.rstrip(".") for n in notes_en) + "."
    return text


@dataclass
class Numbering:
    """Hands out figure and table numbers: 图2-1, 表2-1 (chapter given) or 图1, 表1.

    ``lang="en"`` gives "Figure 2-1" / "Table 2-1". Each kind counts separately.
    """

    chapter: int | str | None = None
    lang: str = "zh"
    counts: dict[str, int] = field(default_factory=lambda: {"figure": 0, "table": 0})

    def __post_init__(self) -> None:
        style.check_lang(self.lang)

    def next(self, kind: str) -> str:
        """The next number of ``kind`` ("figure" or "table"), e.g. "图2-3"."""
        if kind not in self.counts:
            from analysis.errors import UserError

            raise UserError(
                f"未知的编号类型: {kind}。可用: figure, table",
                f"Unknown numbering kind: {kind}. Valid: figure, table",
            )
        self.counts[kind] += 1
        k = self.counts[kind]
        prefix = {
            ("figure", "zh"): "图",
            ("table", "zh"): "表",
            ("figure", "en"): "Figure ",
            ("table", "en"): "Table ",
        }[(kind, self.lang)]
        return f"{prefix}{self.chapter}-{k}" if self.chapter not in (None, "") else f"{prefix}{k}"

    def figure(self, title: str = "") -> str:
        """Next figure caption: "图2-1 title" (just the number when no title)."""
        return f"{self.next('figure')} {title}".strip()

    def table(self, title: str = "") -> str:
        """Next table caption: "表2-1 title"."""
        return f"{self.next('table')} {title}".strip()


def with_unit(title: str, unit: str, lang: str = "zh") -> str:
    """Title with the unit: "社区工作者(单位: 人)" / "Community workers (unit: persons)"."""
    if not unit:
        return title
    return f"{title}(单位: {unit})" if lang == "zh" else f"{title} (unit: {unit})"
