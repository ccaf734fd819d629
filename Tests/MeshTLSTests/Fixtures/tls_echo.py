"""An HTTP endpoint for the TLS tests: answers every GET with the request's headers as JSON,
and, over TLS, the client certificate's URI SANs as `peer`. Plain HTTP without --cert; with
--client-ca it requires a client certificate that chains to that CA (mutual TLS). Prints its
port on the first line once it listens.

python3 tls_echo.py [--cert C --key K [--client-ca CA]]
"""
import argparse, http.server, json, ssl, sys


class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        answer = {"headers": {k.lower(): v for k, v in self.headers.items()}}
        cert = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
        if cert:
            answer["peer"] = [v for k, v in cert.get("subjectAltName", ()) if k == "URI"]
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--client-ca")
    a = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Echo)
    if a.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(a.cert, a.key)
        if a.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(a.client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
