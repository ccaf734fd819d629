"""Drives the edges of mesh-top's Consul model with a Consul client library, unchanged
(Debian's python3-consul, or py-consul when PYTHONPATH points at it): reports to checks that
take none, checks deregistered apart from their service, node maintenance, an instance
registered without an address and, with py-consul, filter expressions. Prints one JSON object
with what the library saw; the Swift test judges it.

Usage: consul_fidelity.py SCENARIO ADMIN_PORT [ARGS...]
"""
import json
import os
import sys

import consul

scenario, port, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
c = consul.Consul(host="127.0.0.1", port=port)
fork = os.environ.get("CONSUL_LIBRARY") == "py-consul"
seen = {"library": "py-consul" if fork else "python-consul"}


def ids(entries):
    return sorted(e["Service"]["ID"] for e in entries)


def passing(service):
    return ids(c.health.service(service, passing=True)[1])


def outcome(call):
    """True or False as the library answers, or the exception's text."""
    try:
        return call()
    except Exception as e:  # the library's own exception types differ between the two
        return "%s: %s" % (type(e).__name__, e)


if scenario == "checks":
    api_port = int(args[0])
    # No address given: the library sends none, as most registrations do.
    c.agent.service.register("api", service_id="api-1", port=api_port, check=consul.Check.ttl("30s"))
    seen["agent_address"] = c.agent.services()["api-1"]["Address"]
    seen["catalog_address"] = [(s["ServiceAddress"], s["Address"]) for s in c.catalog.service("api")[1]]
    seen["health_address"] = [e["Service"]["Address"] for e in c.health.service("api")[1]]
    # The run file's endpoint: mesh-top's own HTTP check, which takes no TTL reports.
    seen["configured_type"] = c.agent.checks()["service:web-1"]["Type"]
    seen["configured_pass"] = outcome(lambda: c.agent.check.ttl_pass("service:web-1"))
    # A heartbeat registered apart, then the registration's own check removed.
    c.agent.check.register("heartbeat", check=consul.Check.ttl("30s"), service_id="api-1")
    c.agent.check.ttl_pass("heartbeat", "beat")
    seen["deregistered"] = c.agent.check.deregister("service:api-1")
    seen["checks_left"] = sorted(k for k, v in c.agent.checks().items() if v["ServiceID"] == "api-1")
    seen["heartbeat"] = c.agent.checks()["heartbeat"]["Status"]
    seen["passing"] = passing("api")
    seen["deregister_unknown"] = c.agent.check.deregister("nosuch")
    # The service goes, and its checks with it.
    c.agent.service.deregister("api-1")
    seen["checks_after"] = sorted(k for k, v in c.agent.checks().items() if v["ServiceID"] == "api-1")

elif scenario == "node":
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=int(args[0]),
                             check=consul.Check.ttl("30s"))
    c.agent.check.ttl_pass("service:api-1")
    seen["before"] = passing("api")
    seen["enable"] = c.agent.maintenance("true", "rack move")
    check = c.agent.checks().get("_node_maintenance") or {}
    seen["check"] = [check.get("Status"), check.get("Notes"), check.get("ServiceID")]
    seen["during"] = passing("api")
    seen["in_entry"] = [ch["CheckID"] for e in c.health.service("api")[1] for ch in e["Checks"]]
    seen["node_checks"] = [ch["CheckID"] for ch in c.health.node("mesh-top")[1]]
    seen["disable"] = c.agent.maintenance("false")
    seen["after"] = passing("api")
    seen["check_after"] = "_node_maintenance" in c.agent.checks()

elif scenario == "filter":
    # py-consul passes Consul's filter expressions (`filter_expr`).
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=int(args[0]), tags=["v2"],
                             meta={"env": "prod"}, check=consul.Check.ttl("30s"))
    c.agent.service.register("api", service_id="api-2", address="127.0.0.1", port=int(args[1]), tags=["v1"],
                             meta={"env": "staging"}, check=consul.Check.ttl("30s"))
    c.agent.check.ttl_pass("service:api-1")
    seen["v2"] = sorted(c.agent.services(filter_expr='Service == "api" and "v2" in Tags').keys())
    seen["staging"] = sorted(c.agent.services(filter_expr="Meta.env == staging").keys())
    seen["critical_checks"] = sorted(c.agent.checks(filter_expr="Status == critical and ServiceName == api").keys())
    seen["passing_checks"] = ids(c.health.service("api", filter_expr="Checks.Status == passing")[1])
    seen["bad"] = outcome(lambda: c.agent.services(filter_expr="Service =="))

print(json.dumps(seen))
