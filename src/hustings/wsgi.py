"""The WSGI application that gunicorn serves: `gunicorn hustings.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hustings.settings")

application = get_wsgi_application()
