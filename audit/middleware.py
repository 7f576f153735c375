from audit.context import client_ip_of, client_ip_set


class AuditContextMiddleware:
    """Remembers the client's IP address for the audit rows written while serving the request
    (see audit.context.client_ip_of for which address is believed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with client_ip_set(client_ip_of(request), getattr(request, "user", None)):
            return self.get_response(request)
