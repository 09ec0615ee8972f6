from django.urls import path

app_name = "casestudies"
urlpatterns: list = []
