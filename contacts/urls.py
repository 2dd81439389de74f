from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("pressekontakt/", views.ContactListView.as_view(), name="list"),
    path("pressekontakt/<slug:slug>.vcf", views.vcard, name="vcard"),
]
