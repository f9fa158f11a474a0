from django.urls import path

from . import views_people as views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/move/", views.person_move, name="move"),
    path("<int:pk>/active/", views.person_active, name="active"),
    path("<int:pk>/password/", views.person_password, name="password"),
    path("branches/new/", views.branch_new, name="branch_new"),
    path("branches/<int:pk>/", views.branch_detail, name="branch"),
    path("branches/<int:pk>/rename/", views.branch_rename, name="branch_rename"),
    path("branches/<int:pk>/party-group/", views.party_group_rename, name="party_group_rename"),
    path("branches/<int:pk>/roles/", views.branch_roles, name="branch_roles"),
    path("branches/<int:pk>/move/", views.branch_move, name="branch_move"),
    path("branches/<int:pk>/close/", views.branch_close, name="branch_close"),
]
