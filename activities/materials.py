"""Study-material titles as people type them, made into one material each (the form, the importer,
the list filter and the summary all read titles through here).

《X》第四卷, 《X》（第四卷）, 《X（第四卷）》 and 《X》第4卷 are one book: it is stored as X（第四卷）
(StudyMaterial.title holds no 《》) and written back out as 《X》第四卷 (`book`), the way the seed writes
《习近平谈治国理政》第四卷. A volume is never dropped.
"""

import re

_DIGITS = "零一二三四五六七八九"
_NUMERAL = r"[一二三四五六七八九十\d]+"
# A volume written after the closing mark: 第四卷, （第四卷）, (第4卷).
_VOLUME_AFTER = re.compile(rf"\s*[（(]?\s*第\s*({_NUMERAL})\s*卷\s*[）)]?")
# A volume at the end of a title: 习近平谈治国理政（第四卷）, 习近平谈治国理政 第4卷.
_VOLUME_END = re.compile(rf"^(.+?)\s*[（(]?\s*第\s*({_NUMERAL})\s*卷\s*[）)]?$")
_SEPARATORS = "\r\n、,，;；"
MAX_TITLE = 200


def chinese_number(number: int) -> str:
    """Chinese numerals as the seed writes small counts and volumes (三, 十二, 二十一)."""
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"
    return str(number)


def _volume(numeral: str) -> str:
    return f"第{chinese_number(int(numeral)) if numeral.isdigit() else numeral}卷"


def material_title(text: str, volume: str = "") -> str:
    """The stored title of one material: no 《》, a volume as （第四卷） at the end."""
    title = re.sub(r"\s+", " ", (text or "").replace("《", "").replace("》", "")).strip()
    match = _VOLUME_END.match(title)
    if match and not volume:
        title, volume = match.group(1).strip(), _volume(match.group(2))
    return f"{title}（{volume}）"[:MAX_TITLE] if title and volume else title[:MAX_TITLE]


def book(title: str) -> str:
    """A stored title as the text writes it: 《习近平谈治国理政》第四卷, 《百年大党面对面》."""
    title = material_title(title)
    match = _VOLUME_END.match(title)
    if match:
        return f"《{match.group(1).strip()}》{_volume(match.group(2))}"
    return f"《{title}》"


def parse_material_titles(text: str, *, bare_titles: bool = True) -> tuple[list[str], str]:
    """(titles, the rest) from free text.

    A 《》 title takes the volume written right after it (《X》第四卷). Titles are separated by line
    breaks, 、, commas or semicolons outside 《》, or simply follow each other (《甲》《乙》). Text outside
    《》 is a title too when `bare_titles` (the form, where the marks are optional); otherwise (a
    ledger's 学习内容, which mixes titles and words) it is returned as the rest, to be kept in the notes.
    """
    text = text or ""
    titles: list[str] = []
    rest: list[str] = []
    bare: list[str] = []

    def flush_bare():
        piece = "".join(bare).strip()
        bare.clear()
        if not piece:
            return
        if bare_titles:
            titles.append(material_title(piece))
        else:
            rest.append(piece)

    position = 0
    while position < len(text):
        char = text[position]
        if char == "《":
            flush_bare()
            depth, end = 0, position
            while end < len(text):
                depth += {"《": 1, "》": -1}.get(text[end], 0)
                if depth == 0:
                    break
                end += 1
            inner = text[position + 1 : end]
            position = end + 1
            volume = _VOLUME_AFTER.match(text, position)
            if volume:
                position = volume.end()
            titles.append(material_title(inner, _volume(volume.group(1)) if volume else ""))
            continue
        if char in _SEPARATORS:
            flush_bare()
        else:
            bare.append(char)
        position += 1
    flush_bare()
    distinct = [title for title in dict.fromkeys(titles) if title]
    return distinct, "、".join(rest)
