"""Chinese names in the order a Chinese reader looks one up: by pinyin (按拼音排序), not by code point.

Code-point order puts 周 before 张 and 陈 last; a roster, a list of people to follow up or a table of
agencies sorted "by name" is read in pinyin order, as a dictionary is. The readings come from
studyportal/data/pinyin.txt (made by scripts/make_pinyin_table.py), about 27,000 characters.
"""

import functools
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "pinyin.txt"

# Surnames read otherwise than the character's usual reading (曾 is céng in 曾经, Zēng as a name).
SURNAME_READINGS = {
    "曾": "zeng1",
    "单": "shan4",
    "解": "xie4",
    "仇": "qiu2",
    "朴": "piao2",
    "区": "ou1",
    "查": "zha1",
    "盖": "ge3",
    "尉": "yu4",
    "缪": "miao4",
    "翟": "zhai2",
    "召": "shao4",
    "覃": "qin2",
    "种": "chong2",
    "乐": "yue4",
    "华": "hua4",
    "任": "ren2",
}


@functools.cache
def _readings() -> dict[str, str]:
    readings = {}
    with TABLE.open(encoding="utf-8") as table:
        for line in table:
            if not line.startswith("#"):
                readings[line[0]] = line[1:].rstrip("\n")
    return readings


@functools.lru_cache(maxsize=50_000)
def pinyin_key(name: str) -> tuple:
    """A sort key for the name of an organization: each character's reading with its tone (zhang1
    before zhang3), other characters as themselves (lower-cased), then the name itself, so that
    names read alike keep one fixed order."""
    readings = _readings()
    return (tuple(readings.get(char, char.lower()) for char in name), name)


@functools.lru_cache(maxsize=50_000)
def person_name_key(name: str) -> tuple:
    """`pinyin_key` for a person's name: the surname is read as a surname (曾 Zēng, 单 Shàn)."""
    syllables, _name = pinyin_key(name)
    if name and name[0] in SURNAME_READINGS:
        syllables = (SURNAME_READINGS[name[0]], *syllables[1:])
    return (syllables, name)
