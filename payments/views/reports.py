"""Work in progress."""

urlpatterns = []
