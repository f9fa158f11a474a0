"""The label of a field's stored choice, cheaply."""

import functools

from django.utils.translation import get_language


@functools.cache
def _labels(model, field: str) -> dict:
    # The labels are lazy translations: cached once per process, translated when shown.
    return dict(model._meta.get_field(field).flatchoices)


@functools.cache
def _translated(language: str | None, model, field: str) -> dict:
    # The labels as text in one language: translating a lazy label costs ~10 µs, and an import
    # names 100,000 records by their kind (Activity.str_of).
    return {value: str(label) for value, label in _labels(model, field).items()}


def clear_labels() -> None:
    """Forget the labels cached: a field's choices may change (activities.kinds.registered)."""
    _labels.cache_clear()
    _translated.cache_clear()


def label_of(model, field: str, value) -> str:
    """The label of a stored `value` of the model's `field` (the value itself when it is not, or no
    longer, one of the choices)."""
    return str(_translated(get_language(), model, field).get(value, value))


def choice_label(instance, field: str) -> str:
    """The same text as `instance.get_<field>_display()`, at a tenth of its cost: that method rebuilds
    its dict of choices on every call, translating every label to hash it (hundreds of translations for
    a list page, ~100,000 for the audit names of an import's attendance rows)."""
    return label_of(type(instance), field, getattr(instance, field))
