"""A backend that answers every GET with its own name, so that a test sees which endpoint
served a request.

Usage: named_server.py NAME PORT [HOST]
"""
import http.server
import sys

name, port = sys.argv[1], int(sys.argv[2])
host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
body = (name + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        # What mesh-top's proxy passed on, for the request-ID tests.
        self.send_header("X-Seen-Request-Id", self.headers.get("X-Request-Id", "-"))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer((host, port), Handler).serve_forever()
