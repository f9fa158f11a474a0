from django.urls import path

from .views import dashboard as views
from .views import overview

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", overview.overview, name="overview"),
    path("overview.xlsx", overview.overview_xlsx, name="overview_xlsx"),
    path("review/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("review/<int:pk>/return/", views.review_return, name="review_return"),
]
