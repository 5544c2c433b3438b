urlpatterns = []  # each step of the tutorial adds its page here
