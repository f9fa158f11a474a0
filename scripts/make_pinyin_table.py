"""Write studyportal/data/pinyin.txt, the table `studyportal.names` sorts names by.

    python scripts/make_pinyin_table.py      (needs pypinyin, a development dependency)

One line per character of the CJK Unified Ideographs and Extension A blocks: the character and its
usual reading with the tone as a digit (张 → zhang1), from pypinyin (MIT licence; its data comes from
the pinyin-data project, MIT). The portal reads this small table instead of importing pypinyin at run
time, which would hold its phrase dictionary (about 56 MB) in every worker.
"""

from pathlib import Path

from pypinyin import Style, lazy_pinyin

BLOCKS = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF)]
TARGET = Path(__file__).resolve().parent.parent / "studyportal" / "data" / "pinyin.txt"

lines = ["# character, reading (tone as a digit); from pypinyin 0.55 (MIT), see scripts/make_pinyin_table.py"]
for first, last in BLOCKS:
    for code in range(first, last + 1):
        reading = lazy_pinyin(chr(code), style=Style.TONE3, errors=lambda _text: [""])[0]
        if reading:
            lines.append(f"{chr(code)}{reading}")
TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"{len(lines) - 1} characters written to {TARGET}")
