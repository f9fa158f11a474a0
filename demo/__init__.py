"""The demo data of `manage.py seed_demo` (docs/design.md §7): organizations, people and accounts
(people), and the records of the model summary's bureau (records). It may import every app; no app
imports it (import-linter, pyproject.toml)."""
