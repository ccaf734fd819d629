"""A backend whose health answer a test sets: every GET answers the status code written in
STATEFILE (200 when it is empty or missing).

Usage: status_server.py PORT STATEFILE
"""
import http.server
import sys

port, statefile = int(sys.argv[1]), sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        try:
            code = int(open(statefile).read().strip() or 200)
        except (OSError, ValueError):
            code = 200
        body = ("status %d\n" % code).encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
