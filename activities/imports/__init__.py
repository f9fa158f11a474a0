"""Importing ledgers: people, activities, rectification items, study points and publicity (docs/design.md §7).

One core for every type, used by the `import_ledger` command and by the browser import alike:
read the file (ledger.py), check EVERY row and collect each problem as (row as the user sees
it, column header as written, problem), and write nothing unless all rows are good; then write all rows
in one transaction. Each type knows how to recognise a row it already imported, so importing the same
file twice adds nothing the second time.

- ledger.py: reading the file into rows of cells, with their headers matched to columns;
  workbook_reader.py: the child process that reads a workbook's cells.
- core.py: a row's cells read through parsers, each problem kept with its row and column; the result;
  `Importer`, the base of every type.
- activities.py, people.py, rectification.py, points.py, publicity.py: one module per ledger type.
- rules.py: the types (`IMPORTERS`), who may import which (`import_refusal`) and what becomes of it
  (`import_outcome`).
- engine.py: the all-or-nothing run (`ledger_import`), and what the command needs to start one.
- batches.py: browser uploads (`ImportBatch`) from upload to review; tasks.py: large ones in the background.

We write our own importer rather than use django-import-export's resources because the hard part here
is the ledger itself (title rows, bilingual headers with full-width brackets, GB18030, Chinese dates and
是/否, the zip checks), and matching people by name within one agency; the resource layer would only add
a second row model around ours.
"""
