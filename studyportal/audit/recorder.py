"""Records every create, change and delete of the portal's records into the audit chain.

Signals are the honest tool here: these rows are written by many services, the admin, importers
and commands, and an audit trail that depends on each of them remembering would have holes. Paths
that bypass signals (bulk_create, bulk_update, queryset.update) call services.audit_record_bulk.
"""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .models import AuditEntry
from .services import CHANGED, MASKED_FIELDS, audit_record, model_label, normalised, snapshot

# The one list of audited models. A label that names no model is a mistake that would leave a hole in
# the trail, so it stops the start (ImproperlyConfigured) rather than being skipped.
AUDITED_MODELS = [
    "activities.Activity",
    "activities.Attendance",
    "activities.Attachment",
    "activities.RectificationItem",
    "activities.RectificationProgress",
    "activities.StudyPoints",
    "activities.Publicity",
    "activities.StudyPlan",
    "activities.PlanItem",
    "activities.Norm",
    "reports.Summary",
    "reports.SummarySection",
    "accounts.User",
    "accounts.Organization",
    "accounts.RoleAssignment",
]


def audited_models():
    found = []
    for label in AUDITED_MODELS:
        try:
            found.append(apps.get_model(label))
        except LookupError as error:
            raise ImproperlyConfigured(f"audit: no model {label!r} to record ({error})") from error
    return found


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_before = None
        return
    attnames = [field.attname for field in sender._meta.concrete_fields]
    row = sender._base_manager.filter(pk=instance.pk).values(*attnames).first()
    instance._audit_before = snapshot(instance, row) if row is not None else None
    # Masked values read the same before and after; their change is detected on the raw values.
    instance._audit_masked_changed = (
        [
            field.name
            for field in sender._meta.concrete_fields
            if field.name in MASKED_FIELDS and row[field.attname] != getattr(instance, field.attname)
        ]
        if row is not None
        else []
    )


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created or before is None:
        audit_record(
            model=model_label(sender),
            object_id=instance.pk,
            object_repr=instance,
            action=AuditEntry.Action.CREATE,
            after=after,
        )
        return
    changed = sorted(name for name in after if after[name] != before.get(name))
    for name in getattr(instance, "_audit_masked_changed", []):
        after[name] = CHANGED
        changed.append(name)
    if not changed:
        return
    audit_record(
        model=model_label(sender),
        object_id=instance.pk,
        object_repr=instance,
        action=AuditEntry.Action.UPDATE,
        before={name: before.get(name) for name in changed},
        after={name: after[name] for name in changed},
    )


def _after_delete(sender, instance, **kwargs):
    audit_record(
        model=model_label(sender),
        object_id=instance.pk,
        object_repr=instance,
        action=AuditEntry.Action.DELETE,
        before=snapshot(instance),
    )


def _m2m_handler(field):
    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action == "pre_clear":
            instance._audit_cleared = sorted(
                getattr(instance, field.name if not reverse else field.related_query_name()).values_list(
                    "pk", flat=True
                )
            )
            return
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        pks = sorted(pk_set or []) if action != "post_clear" else getattr(instance, "_audit_cleared", [])
        if not pks:
            return
        name = field.name if not reverse else field.related_query_name()
        audit_record(
            model=model_label(type(instance)),
            object_id=instance.pk,
            object_repr=instance,
            action=AuditEntry.Action.LINK if action == "post_add" else AuditEntry.Action.UNLINK,
            after=normalised({name: pks}),
        )

    return handler


_handlers = []  # strong references: signals hold receivers weakly


def connect():
    for model in audited_models():
        uid = f"audit:{model_label(model)}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}:pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post_save")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:post_delete")
        for field in model._meta.local_many_to_many:
            if not field.remote_field.through._meta.auto_created:
                continue
            handler = _m2m_handler(field)
            _handlers.append(handler)
            m2m_changed.connect(
                handler, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}:m2m"
            )
