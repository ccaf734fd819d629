#!/usr/bin/env python3
"""slow_backend.py PORT LOG: an HTTP/1.1 backend for graceful-stop tests. /held answers once the file
LOG.release exists, /hang never, anything else at once. Each request's path is appended to LOG when
it arrives."""
import http.server, os, sys, time

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        with open(sys.argv[2], "a") as log:
            log.write(self.path + "\n")
        if self.path == "/hang":
            time.sleep(3600)
        if self.path == "/held":
            deadline = time.time() + 120
            while not os.path.exists(sys.argv[2] + ".release") and time.time() < deadline:
                time.sleep(0.02)
        body = ("done " + self.path + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
