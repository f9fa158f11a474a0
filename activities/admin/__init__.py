"""The Django admin of the activities app, a module per concern; importing them registers their models."""

from . import activity, norms  # noqa: F401
