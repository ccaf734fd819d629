"""A webhook receiver behind TLS that requires a client certificate from CA: appends one JSON
line per POST to OUTFILE, {"peer": [the client's URI SANs], "body": ...}. Prints its port once
it listens.

Usage: tls_receiver.py CERT KEY CA OUTFILE
"""
import http.server, json, ssl, sys

cert, key, ca, outfile = sys.argv[1:5]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        peer = [v for k, v in self.connection.getpeercert().get("subjectAltName", ()) if k == "URI"]
        with open(outfile, "a") as f:
            f.write(json.dumps({"peer": peer, "body": body}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.verify_mode = ssl.CERT_REQUIRED
context.load_verify_locations(ca)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
