"""Shortened name lists (present/words/plan_text.names): a list that would leave out only one
or two names is named in full; a longer one names the worst six and counts the others."""

from __future__ import annotations

from analysis.present.words import plan_text


def _named(text: str) -> list[str]:
    return text.split("等")[0].split("、")


def test_one_or_two_left_out_are_named_instead():
    for n in (7, 8):  # SHOWN + 1, SHOWN + 2: every name, no "从略"
        items = [f"u{k}" for k in range(n)]
        text = plan_text.names(items, "zh")
        assert text == "、".join(items) and "从略" not in text
        assert "more" not in plan_text.names(items, "en")


def test_three_left_out_shortens_to_the_worst_six():
    items = [f"u{k}" for k in range(9)]
    text = plan_text.names(items, "zh")
    assert _named(text) == items[:6]
    assert text.endswith("等9个（按落后程度列出最落后的6个，其余3个从略）")
    assert plan_text.names(items, "zh", ranked=False).endswith("等9个（其余3个从略）")


def test_short_limit_keeps_the_same_slack():
    assert plan_text.names(list("abcde"), "zh", limit=3) == "a、b、c、d、e"
    assert plan_text.names(list("abcdef"), "en", limit=3) == (
        "a, b, c and 3 more (6 in all; the 3 furthest behind are named)"
    )
    assert plan_text.names([], "zh") == "无"
