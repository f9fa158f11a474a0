"""Read a workbook's cells in a child process: `python workbook_reader.py MEMORY_BYTES CPU_SECONDS`.

The spreadsheet reader (python-calamine, native code) allocates the whole rectangle a sheet spans and
aborts the process when it cannot: no `except` catches that. So the parent (activities/imports/ledger.py)
runs this file as a separate process, with the workbook on stdin, under an address-space and a CPU
limit; a workbook that needs more is a dead child and a clear message, never a dead web worker.

This file imports nothing of the project or Django, so that the child starts in a few tens of ms.
Output on stdout: JSON, a list of sheets, each a list of rows of cells; dates and date-times are
tagged objects since JSON has none.
"""

import datetime
import io
import json
import resource
import sys

# Exit status of a child that ran out of memory in Python (a native allocation failure aborts instead).
EXIT_MEMORY = 3
EXIT_DAMAGED = 4


def _cell(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, (datetime.time, datetime.timedelta)):
        return str(value)
    return value


def decode_cell(value):
    """A cell as the child sent it, back to a date or date-time where it was one."""
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.datetime.fromisoformat(value["dt"])
        return datetime.date.fromisoformat(value["d"])
    return value


def main(argv) -> int:
    memory, seconds = int(argv[1]), int(argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    data = sys.stdin.buffer.read()
    try:
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheets = [
                # Keep the empty area above and left of the data, so that row numbers match the file's.
                workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
                for index in range(len(workbook.sheet_names))
            ]
        except MemoryError:
            raise
        except Exception:  # calamine raises its own error types for every kind of damage
            return EXIT_DAMAGED
        json.dump([[[_cell(value) for value in row] for row in rows] for rows in sheets], sys.stdout)
    except MemoryError:
        return EXIT_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
