"""Fill a catalogue's empty msgstr from a JSON dict {msgid: msgstr}: `python scripts/translate.py PO JSON`.

A developer's helper for `make messages`; entries already translated are left alone.
"""

import json
import sys

import polib

po_path, json_path = sys.argv[1], sys.argv[2]
po = polib.pofile(po_path)
with open(json_path, encoding="utf-8") as handle:
    table = json.load(handle)
filled = 0
for entry in po:
    if entry.msgid in table and (not entry.msgstr or entry.fuzzy):
        entry.msgstr = table[entry.msgid]
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        filled += 1
po.save()
left = [e.msgid for e in po if not e.translated()]
print(f"filled {filled}; untranslated left: {len(left)}")
for msgid in left:
    print("  ", msgid)
