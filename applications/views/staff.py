"""Views of the applications app; see applications/urls.py."""

urlpatterns = []
