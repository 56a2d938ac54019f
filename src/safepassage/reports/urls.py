"""The reports' staff pages, under ``/reporting/``; published reports are public under
``/reports/`` (``public_urls``)."""

from django.urls import path

from safepassage.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("schedule/", views.cadence_set, name="cadence_set"),
    path("new/", views.report_new, name="new"),
    path("<slug:slug>/", views.report, name="report"),
    path("<slug:slug>/edit/", views.report_edit, name="edit"),
    path("<slug:slug>/sections/", views.section_add, name="section_add"),
    path("<slug:slug>/sections/<int:number>/", views.section_write, name="section_write"),
    path("<slug:slug>/sections/<int:number>/move/", views.section_move, name="section_move"),
    path("<slug:slug>/sections/<int:number>/remove/", views.section_remove, name="section_remove"),
    path("<slug:slug>/submit/", views.step, {"name": "submit"}, name="submit"),
    path("<slug:slug>/reopen/", views.step, {"name": "reopen"}, name="reopen"),
    path("<slug:slug>/return/", views.step, {"name": "return"}, name="return"),
    path("<slug:slug>/approve/", views.step, {"name": "approve"}, name="approve"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/retract/", views.step, {"name": "retract"}, name="retract"),
    path("<slug:slug>/correct/", views.step, {"name": "correct"}, name="correct"),
    path("<slug:slug>/preview.<str:fmt>", views.preview, name="preview"),
]
