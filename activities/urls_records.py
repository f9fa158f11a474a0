from django.urls import path

from .views import norms, plans, points, publicity, rectification

app_name = "records"

urlpatterns = [
    path("rectification/", rectification.rectification_list, name="rectification_list"),
    path("rectification/new/", rectification.rectification_new, name="rectification_new"),
    path("rectification/export/", rectification.rectification_export, name="rectification_export"),
    path("rectification/<int:pk>/", rectification.rectification_detail, name="rectification_detail"),
    path("rectification/<int:pk>/edit/", rectification.rectification_edit, name="rectification_edit"),
    path(
        "rectification/<int:pk>/progress/",
        rectification.rectification_progress,
        name="rectification_progress",
    ),
    path(
        "rectification/<int:pk>/start/",
        rectification.rectification_action,
        {"action": "start"},
        name="rectification_start",
    ),
    path(
        "rectification/<int:pk>/complete/",
        rectification.rectification_action,
        {"action": "complete"},
        name="rectification_complete",
    ),
    path(
        "rectification/<int:pk>/reopen/",
        rectification.rectification_action,
        {"action": "reopen"},
        name="rectification_reopen",
    ),
    path(
        "rectification/<int:pk>/close/",
        rectification.rectification_action,
        {"action": "close"},
        name="rectification_close",
    ),
    path("points/", points.points, name="points"),
    path("points/threshold/", points.points_threshold, name="points_threshold"),
    path("publicity/", publicity.publicity_list, name="publicity_list"),
    path("publicity/new/", publicity.publicity_new, name="publicity_new"),
    path("publicity/<int:pk>/edit/", publicity.publicity_edit, name="publicity_edit"),
    path("plans/", plans.plans, name="plans"),
    path("plans/<year:year>/", plans.plan_detail, name="plan_detail"),
    path("plans/<year:year>/items/new/", plans.plan_item_new, name="plan_item_new"),
    path("plans/<year:year>/activity-options/", plans.plan_activity_options, name="plan_activity_options"),
    path("plans/<year:year>/items/<int:pk>/edit/", plans.plan_item_edit, name="plan_item_edit"),
    path("plans/<year:year>/items/<int:pk>/delete/", plans.plan_item_delete, name="plan_item_delete"),
    path("plans/<year:year>/items/<int:pk>/fulfil/", plans.plan_item_fulfil, name="plan_item_fulfil"),
    path("norms/", norms.norms, name="norms"),
]
