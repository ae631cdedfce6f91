from django.urls import path

from . import views

app_name = "rules"

V = "rules/<slug:name>/<int:version>/"

urlpatterns = [
    path("rules/", views.rule_sets, name="list"),
    path("rules/import/", views.import_view, name="import"),
    path("rules/import/<int:job_id>/", views.import_job, name="import_job"),
    path("rules/<slug:name>/compare/", views.compare, name="compare"),
    path("rules/impact/<int:job_id>/", views.impact_job, name="impact_job"),
    path(V, views.version, name="version"),
    path(V + "changes/", views.changes, name="changes"),
    path(V + "clone/", views.clone, name="clone"),
    path(V + "release-notes/", views.release_notes, name="release_notes"),
    path(V + "variant/", views.make_variant, name="variant"),
    path(V + "verify/", views.verify, name="verify"),
    path(V + "publish/", views.publish, name="publish"),
    path(V + "impact/", views.impact, name="impact"),
    path(V + "export/<str:fmt>/", views.export, name="export"),
    path(V + "rules/new/<slug:kind>/", views.rule_new, name="rule_new"),
    path(V + "rules/<str:rule_id>/", views.rule_edit, name="rule_edit"),
    path(V + "rules/<str:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path(V + "rules/<str:rule_id>/move/", views.rule_move, name="rule_move"),
    path(V + "tests/", views.test_cases, name="tests"),
    path(V + "tests/<int:pk>/delete/", views.test_case_remove, name="test_delete"),
    path(V + "catalog/", views.catalog, name="catalog"),
    path(V + "levels/<str:code>/", views.level_edit, name="level_edit"),
    path(V + "dimensions/<str:code>/", views.dimension_edit, name="dimension_edit"),
    path(V + "questions/<str:code>/", views.question_edit, name="question_edit"),
]
