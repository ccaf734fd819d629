"""Drives mesh-top's Consul-compatible API with the python-consul client library, unchanged.

Usage: consul_client.py PORT. Prints one JSON object with what the library saw.
"""
import json
import sys
import threading
import time

import consul

port = int(sys.argv[1])
c = consul.Consul(host="127.0.0.1", port=port)
seen = {}

seen["registered"] = c.agent.service.register(
    "checkout", service_id="checkout-c9", address="127.0.0.1", port=9999, tags=["canary"],
    check=consul.Check.ttl("30s"))
seen["reported"] = c.agent.check.ttl_pass("service:checkout-c9")
seen["agent_ids"] = sorted(c.agent.services().keys())
index, catalog = c.catalog.services()
seen["catalog_index"] = int(index)
seen["catalog"] = {name: sorted(tags) for name, tags in catalog.items()}

# Wait until the TTL pass has made the instance healthy (the session applies it on its next step).
deadline = time.time() + 10
while time.time() < deadline:
    index, nodes = c.health.service("checkout", passing=True)
    ids = sorted(n["Service"]["ID"] for n in nodes)
    if "checkout-c9" in ids:
        break
    time.sleep(0.1)
seen["passing_ids"] = ids
seen["canary_port"] = [n["Service"]["Port"] for n in nodes if n["Service"]["ID"] == "checkout-c9"]

# Blocking queries return when the service changes: watch it (as a client library's watcher
# does) while another thread deregisters the instance.
index, _ = c.health.service("checkout")
threading.Timer(0.5, lambda: c.agent.service.deregister("checkout-c9")).start()
started = time.time()
advanced = True
while time.time() - started < 15:
    new_index, nodes = c.health.service("checkout", index=index, wait="20s")
    advanced = advanced and int(new_index) > int(index)
    index = new_index
    ids = sorted(n["Service"]["ID"] for n in nodes)
    if "checkout-c9" not in ids:
        break
seen["blocked_seconds"] = round(time.time() - started, 2)
seen["index_advanced"] = advanced
seen["after_ids"] = ids
print(json.dumps(seen))
