"""An embedded PostgreSQL for machines that have no database server of their own.

When DATABASE_URL is unset, `make run` and `make test` start PostgreSQL from the
`pgserver` package with its data kept in `.pgdata/` of the checkout. The server is left
running when the process exits, so that the next `make run` starts in well under a second
and keeps its data.
"""

import logging
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse


def embedded_database_settings(data_dir: Path) -> dict:
    # pgserver logs every process exit at INFO, and platformdirs warns about XDG_RUNTIME_DIR.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver

    server = pgserver.get_server(data_dir, cleanup_mode=None)
    uri = urlparse(server.get_uri())
    socket_dir = parse_qs(uri.query)["host"][0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": uri.path.lstrip("/") or "postgres",
        "USER": uri.username or "postgres",
        "PASSWORD": uri.password or "",
        "HOST": socket_dir,
        "PORT": "",
    }
