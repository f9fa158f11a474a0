"""The growth table's verdicts (bench.run --scales)."""

from bench.run import growth_table, growth_verdict


def row(median, queries=7, scope="agency", kind="page", key="list", verdict="met"):
    return {
        "key": key,
        "label": key,
        "scope": scope,
        "kind": kind,
        "status": "ok",
        "median": median,
        "queries": queries,
        "floor_ms": 5.0,
        "peak_mb": None,
        "verdict": verdict,
    }


SCALES = [0.1, 1.0, 10.0]


def test_a_page_of_one_agency_is_flat_only_within_the_limit_and_with_the_same_queries():
    assert growth_verdict({0.1: row(10), 1.0: row(10), 10.0: row(13)}, SCALES) == (1.3, "flat")
    ratio, text = growth_verdict({0.1: row(10), 1.0: row(10), 10.0: row(14)}, SCALES)
    assert ratio == 1.4 and text.startswith("GROWS: median × 1.40")
    _ratio, text = growth_verdict({0.1: row(10), 1.0: row(10), 10.0: row(10, queries=8)}, SCALES)
    assert text == "GROWS: queries differ"


def test_the_committees_pages_grow_with_their_agencies_and_are_judged_by_their_target():
    rows = {s: row(m, scope="committee", verdict=v) for s, m, v in ((1.0, 40, "met"), (10.0, 400, "MISSED"))}
    assert growth_verdict(rows, [1.0, 10.0]) == (10.0, "grows with the agencies it shows; at 10: MISSED")


def test_the_table_has_a_line_per_case_with_each_scale():
    table = growth_table({1.0: [row(10)], 10.0: [row(12), row(None, key="xlsx", kind="xlsx")]})
    lines = table.splitlines()
    assert len(lines) == 4
    assert "10.0 ms / 12.0 ms" in lines[2] and "1.20×" in lines[2] and "flat" in lines[2]
    assert "not measured" in lines[3]
