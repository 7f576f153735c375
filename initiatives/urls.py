"""URLs of the joint initiatives. Only the initiative's page exists yet (a placeholder); the
later pages are expected under these names: initiative_list (the directory, ""),
initiative_propose ("propose/"), initiative_detail ("<slug>/")."""

from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("<slug:slug>/", views.initiative_detail, name="initiative_detail"),
]
