from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# With DEBUG off, pages 500 until `collectstatic` has run: refuse to start instead.
from tracker.health import require_collected_static  # noqa: E402

require_collected_static()
