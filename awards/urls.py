from awards.views import jury, nominations, public, screening

app_name = "awards"

# Each views module declares its own routes: the public prize pages, the nominators' pages, screening by
# officers, and the jury's rounds and results.
urlpatterns = [*public.urlpatterns, *nominations.urlpatterns, *screening.urlpatterns, *jury.urlpatterns]
