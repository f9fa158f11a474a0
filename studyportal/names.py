"""Chinese names in the order a Chinese reader looks one up: by pinyin (按拼音排序), not by code point.

Code-point order puts 周 before 张 and 陈 last; a roster, a list of people to follow up or a table of
agencies sorted "by name" is read in pinyin order, as a dictionary is.
"""

import functools

from pypinyin import Style, lazy_pinyin


@functools.lru_cache(maxsize=50_000)
def pinyin_key(name: str) -> tuple:
    """A sort key: the syllables with their tones (zhang1 before zhang3), then the name itself, so
    that characters read alike keep one fixed order. Latin letters and digits sort as themselves."""
    return (tuple(syllable.lower() for syllable in lazy_pinyin(name, style=Style.TONE3)), name)
