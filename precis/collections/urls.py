from django.urls import path

from . import views

app_name = "collections"
urlpatterns = [
    path("collections/new", views.new, name="new"),
    path("papers/<int:paper_id>/collect", views.collect, name="collect"),
    path("collections/<int:pk>/", views.detail, name="short"),
    path("collections/<int:pk>/<slug:slug>/", views.detail, name="detail"),
    path("collections/<int:pk>/edit", views.edit, name="edit"),
    path("collections/<int:pk>/delete", views.delete, name="delete"),
    path("collections/<int:pk>/import", views.import_list, name="import"),
    path("collections/<int:pk>/order", views.order, name="order"),
    path("collections/<int:pk>/export.md", views.export_markdown, name="export_md"),
    path("collections/<int:pk>/export.bib", views.export_bibtex, name="export_bib"),
    path("collections/<int:pk>/sections/add", views.section_add, name="section_add"),
    path(
        "collections/<int:pk>/sections/<int:section_id>/rename",
        views.section_rename,
        name="section_rename",
    ),
    path(
        "collections/<int:pk>/sections/<int:section_id>/move",
        views.section_move,
        name="section_move",
    ),
    path(
        "collections/<int:pk>/sections/<int:section_id>/delete",
        views.section_delete,
        name="section_delete",
    ),
    path("collections/<int:pk>/items/add", views.item_add, name="item_add"),
    path("collections/<int:pk>/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("collections/<int:pk>/items/<int:item_id>/move", views.item_move, name="item_move"),
    path(
        "collections/<int:pk>/items/<int:item_id>/section", views.item_section, name="item_section"
    ),
    path("collections/<int:pk>/items/<int:item_id>/delete", views.item_delete, name="item_delete"),
]
