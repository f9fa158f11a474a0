from django.urls import path

from .views import tracking as views

app_name = "tracking"

urlpatterns = [
    path("rectification/", views.rectification_list, name="rectification_list"),
    path("rectification/new/", views.rectification_new, name="rectification_new"),
    path("rectification/export/", views.rectification_export, name="rectification_export"),
    path("rectification/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectification/<int:pk>/edit/", views.rectification_edit, name="rectification_edit"),
    path("rectification/<int:pk>/progress/", views.rectification_progress, name="rectification_progress"),
    path(
        "rectification/<int:pk>/start/",
        views.rectification_action,
        {"action": "start"},
        name="rectification_start",
    ),
    path(
        "rectification/<int:pk>/complete/",
        views.rectification_action,
        {"action": "complete"},
        name="rectification_complete",
    ),
    path(
        "rectification/<int:pk>/reopen/",
        views.rectification_action,
        {"action": "reopen"},
        name="rectification_reopen",
    ),
    path(
        "rectification/<int:pk>/close/",
        views.rectification_action,
        {"action": "close"},
        name="rectification_close",
    ),
    path("points/", views.points, name="points"),
    path("points/threshold/", views.points_threshold, name="points_threshold"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/new/", views.publicity_new, name="publicity_new"),
    path("publicity/<int:pk>/edit/", views.publicity_edit, name="publicity_edit"),
    path("plans/", views.plans, name="plans"),
    path("plans/<year:year>/", views.plan_detail, name="plan_detail"),
    path("plans/<year:year>/items/new/", views.plan_item_new, name="plan_item_new"),
    path("plans/<year:year>/activity-options/", views.plan_activity_options, name="plan_activity_options"),
    path("plans/<year:year>/items/<int:pk>/edit/", views.plan_item_edit, name="plan_item_edit"),
    path("plans/<year:year>/items/<int:pk>/delete/", views.plan_item_delete, name="plan_item_delete"),
    path("plans/<year:year>/items/<int:pk>/fulfil/", views.plan_item_fulfil, name="plan_item_fulfil"),
    path("norms/", views.norms, name="norms"),
]
