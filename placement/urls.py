from django.urls import path

from . import decision, views

app_name = "placement"

urlpatterns = [
    path("assessments/<int:pk>/recommendation/", decision.recommendation, name="recommendation"),
    path("assessments/<int:pk>/handout/", decision.handout, name="handout"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("review/<int:pk>/claim/", views.queue_claim, name="queue_claim"),
    path("review/<int:pk>/take/", views.review_action, {"action": "claim"}, name="review_claim"),
    path(
        "review/<int:pk>/release/",
        views.review_action,
        {"action": "release"},
        name="review_release",
    ),
    path(
        "review/<int:pk>/return/", views.review_action, {"action": "return"}, name="review_return"
    ),
    path(
        "review/<int:pk>/approve/",
        views.review_action,
        {"action": "approve"},
        name="review_approve",
    ),
    path(
        "review/<int:pk>/override/",
        views.review_action,
        {"action": "override"},
        name="review_override",
    ),
    path("placements/<int:pk>/pdf/", views.placement_pdf, name="placement_pdf"),
    path("placements/<int:pk>/disclose/", views.placement_disclose, name="placement_disclose"),
]
