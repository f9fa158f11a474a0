from django.urls import path

from . import views_dashboard as views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", views.overview, name="overview"),
    path("overview.xlsx", views.overview_xlsx, name="overview_xlsx"),
    path("review/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("review/<int:pk>/return/", views.review_return, name="review_return"),
]
