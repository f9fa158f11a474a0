"""What the writes on the records (rectification, points, publicity, plans) share."""


def _check_fields(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")


def _save_with(obj, fields: dict):
    """Set `fields` on `obj`, validate it as the model says, save it."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj
