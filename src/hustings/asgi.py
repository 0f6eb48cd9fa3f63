"""The ASGI application, for servers such as uvicorn: `uvicorn hustings.asgi:application`."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hustings.settings")

application = get_asgi_application()
