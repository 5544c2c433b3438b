from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class LiveViewsConfig(AppConfig):
    name = "live_views"
    verbose_name = "Live views"

    def ready(self) -> None:
        from live_views import checks as live_checks
        from live_views.pubsub import sessions, signals
        from live_views.redis_timeouts import check_redis_timeouts
        from live_views.uploads import checks as upload_checks

        checks.register(live_checks.check_settings)
        checks.register(live_checks.check_wiring)
        checks.register(live_checks.check_page_state)
        checks.register(live_checks.check_events_on_plain_views, checks.Tags.urls)
        checks.register(live_checks.check_http_route, checks.Tags.urls)
        checks.register(live_checks.check_origins_over_http, checks.Tags.urls)
        checks.register(live_checks.check_login_forms, checks.Tags.urls)
        checks.register(live_checks.check_messages)
        checks.register(live_checks.check_sessions)
        checks.register(live_checks.check_live_every)
        checks.register(live_checks.check_subscriptions, checks.Tags.urls)
        checks.register(live_checks.check_class_defaults, checks.Tags.urls)
        checks.register(live_checks.check_deployment, deploy=True)
        checks.register(check_redis_timeouts)
        checks.register(upload_checks.check_upload_settings)
        checks.register(upload_checks.check_upload_route, checks.Tags.urls)
        checks.register(upload_checks.check_image_fields)
        signals.connect()
        sessions.connect()
