#!/usr/bin/env python3
"""slow_backend.py PORT LOG: an HTTP/1.1 backend for graceful-stop tests. /slow answers after 2 s,
/hang never does, anything else at once. Each request's path is appended to LOG when it arrives."""
import http.server, sys, time

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        with open(sys.argv[2], "a") as log:
            log.write(self.path + "\n")
        if self.path == "/hang":
            time.sleep(3600)
        if self.path == "/slow":
            time.sleep(2)
        body = ("done " + self.path + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
