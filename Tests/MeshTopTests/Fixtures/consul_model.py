"""Drives mesh-top's Consul API with a Consul client library, unchanged (Debian's
python3-consul, or py-consul when PYTHONPATH points at it), through one scenario of Consul's
service and check model. Prints one JSON object with what the library saw; the Swift test
judges it.

Usage: consul_model.py SCENARIO ADMIN_PORT [ARGS...]
"""
import json
import os
import sys
import threading
import time

import consul

scenario, port, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
c = consul.Consul(host="127.0.0.1", port=port)
# py-consul (the maintained fork) sends what python-consul 0.7 cannot: several checks, Meta, Weights, tag lists.
fork = os.environ.get("CONSUL_LIBRARY") == "py-consul"
seen = {"library": "py-consul" if fork else "python-consul"}


def ids(entries):
    return sorted(e["Service"]["ID"] for e in entries)


def check_status(check_id):
    check = c.agent.checks().get(check_id)
    return check and check["Status"]


def poll(what, want, seconds=30):
    """Polls what() until it returns want; returns what it saw last."""
    deadline = time.time() + seconds
    got = what()
    while got != want and time.time() < deadline:
        time.sleep(0.1)
        got = what()
    return got


def deregister(service_id):
    return c.agent.service.deregister(service_id)


if scenario == "ttl":
    # Field case 10: one report sets the status at once; ?passing holds only passing instances.
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=int(args[0]),
                             check=consul.Check.ttl("30s"))
    # Every check the instance's entry lists, as the field case reads them.
    _, entries = c.health.service("api")
    seen["initial"] = [ch["Status"] for e in entries for ch in e["Checks"] if e["Service"]["ID"] == "api-1"]
    report = {"pass": c.agent.check.ttl_pass, "warn": c.agent.check.ttl_warn, "fail": c.agent.check.ttl_fail}
    steps = []
    for step in ("pass", "warn", "fail", "pass"):
        ok = report[step]("service:api-1", "step %s" % step)
        _, entries = c.health.service("api")
        _, passing = c.health.service("api", passing=True)
        steps.append({"report": step, "ok": ok,
                      "status": [ch["Status"] for e in entries for ch in e["Checks"] if e["Service"]["ID"] == "api-1"],
                      "output": [ch["Output"] for e in entries for ch in e["Checks"] if e["Service"]["ID"] == "api-1"],
                      "passing": ids(passing)})
    seen["steps"] = steps

elif scenario == "tags":
    # Field case 14: ?tag= filters; py-consul sends several tags, all of which must match.
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=int(args[0]), tags=["v1", "blue"])
    c.agent.service.register("api", service_id="api-2", address="127.0.0.1", port=int(args[0]) + 1, tags=["v2", "blue"])
    seen["v1"] = ids(c.health.service("api", tag="v1")[1])
    seen["nope"] = ids(c.health.service("api", tag="nope")[1])
    seen["catalog_v2"] = sorted(e["ServiceID"] for e in c.catalog.service("api", tag="v2")[1])
    if fork:
        seen["v1_and_blue"] = ids(c.health.service("api", tag=["v1", "blue"])[1])
        seen["v1_and_v2"] = ids(c.health.service("api", tag=["v1", "v2"])[1])

elif scenario == "checks":
    # HTTP and TCP checks given at registration run on mesh-top's own prober.
    backend, statefile, closed = int(args[0]), args[1], int(args[2])
    url = "http://127.0.0.1:%d/health" % backend

    def write(code):
        with open(statefile, "w") as f:
            f.write(str(code))

    write(200)
    if fork:
        c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=backend,
                                 check=consul.Check.http(url, "1s", timeout="1s"),
                                 extra_checks=[consul.Check.tcp("127.0.0.1", backend, "1s")])
        http_id, tcp_id = "service:api-1:1", "service:api-1:2"
    else:
        c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=backend,
                                 check=consul.Check.http(url, "1s", timeout="1s"))
        c.agent.service.register("api", service_id="api-3", address="127.0.0.1", port=backend,
                                 check=consul.Check.tcp("127.0.0.1", backend, "1s"))
        http_id, tcp_id = "service:api-1", "service:api-3"
    c.agent.service.register("api", service_id="api-2", address="127.0.0.1", port=closed,
                             check=consul.Check.tcp("127.0.0.1", closed, "1s"))
    seen["http_first"] = poll(lambda: check_status(http_id), "passing")
    seen["tcp_open"] = poll(lambda: check_status(tcp_id), "passing")
    seen["passing_ids"] = poll(lambda: ids(c.health.service("api", passing=True)[1]), sorted(["api-1", "api-3"][: 1 if fork else 2]))
    write(429)
    seen["http_429"] = poll(lambda: check_status(http_id), "warning")
    seen["warning_in_passing"] = ids(c.health.service("api", passing=True)[1])
    write(503)
    seen["http_503"] = poll(lambda: check_status(http_id), "critical")
    seen["http_output"] = c.agent.checks()[http_id]["Output"]
    seen["tcp_closed_output"] = poll(lambda: c.agent.checks()["service:api-2"]["Output"].endswith("refused"), True)
    seen["tcp_closed"] = check_status("service:api-2")
    seen["types"] = sorted({ch["Type"] for ch in c.agent.checks().values() if ch["ServiceName"] == "api"})

elif scenario == "maintenance":
    # Maintenance mode is mesh-top's drain, with Consul's maintenance check.
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=int(args[0]),
                             check={"ttl": "60s", "status": "passing"})
    seen["before"] = ids(c.health.service("api", passing=True)[1])
    seen["enable"] = c.agent.service.maintenance("api-1", "true", "kernel upgrade")
    seen["during"] = ids(c.health.service("api", passing=True)[1])
    checks = c.health.checks("api")[1]
    seen["maintenance"] = [[ch["CheckID"], ch["Status"], ch["Notes"]] for ch in checks if ch["CheckID"].startswith("_service_maintenance:")]
    seen["disable"] = c.agent.service.maintenance("api-1", "false")
    seen["after"] = ids(c.health.service("api", passing=True)[1])

elif scenario == "routes":
    # The routes common tools call, read through the library.
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=int(args[0]), tags=["v1"],
                             check=consul.Check.ttl("30s"))
    me = c.agent.self()
    seen["datacenter"] = me["Config"]["Datacenter"]
    seen["node"] = me["Config"]["NodeName"]
    seen["leader"] = c.status.leader()
    seen["peers"] = c.status.peers()
    seen["nodes"] = [n["Node"] for n in c.catalog.nodes()[1]]
    seen["datacenters"] = c.catalog.datacenters()
    seen["services"] = {k: sorted(v) for k, v in c.catalog.services()[1].items()}
    seen["agent_services"] = sorted(c.agent.services().keys())
    seen["agent_checks"] = sorted(c.agent.checks().keys())
    seen["critical"] = sorted(ch["CheckID"] for ch in c.health.state("critical")[1])
    seen["any"] = sorted(ch["CheckID"] for ch in c.health.state("any")[1])
    seen["catalog_api"] = [[e["ServiceID"], e["ServicePort"], e["ServiceTags"]] for e in c.catalog.service("api")[1]]
    seen["members"] = [[m["Name"], m["Addr"], m["Status"]] for m in c.agent.members()]
    node = c.catalog.node(seen["node"])[1]
    seen["node_services"] = {k: [v["Service"], v["Port"]] for k, v in node["Services"].items()}
    seen["node_address"] = node["Node"]["Address"]
    seen["no_node"] = c.catalog.node("nosuch")[1]

elif scenario == "blocking":
    # Blocking queries as the library's watchers use them.
    started = time.time()
    index, _ = c.health.service("api", index=0, wait="5s")
    seen["index_zero_seconds"] = round(time.time() - started, 2)
    seen["index"] = int(index)
    started = time.time()
    same, _ = c.health.service("api", index=index, wait="2s")
    seen["unchanged_seconds"] = round(time.time() - started, 2)
    seen["unchanged_index"] = int(same)
    threading.Timer(0.5, lambda: c.agent.service.register("api", service_id="api-1", address="127.0.0.1",
                                                          port=int(args[0]))).start()
    started = time.time()
    moved, entries = c.health.service("api", index=same, wait="30s")
    seen["changed_seconds"] = round(time.time() - started, 2)
    seen["changed_index"] = int(moved)
    seen["changed_ids"] = ids(entries)

elif scenario == "reap":
    # DeregisterCriticalServiceAfter (raised to Consul's minute) in a demo at speed: mesh time.
    c.agent.service.register("checkout", service_id="checkout-z9", address="127.0.0.1", port=9999,
                             check={"ttl": "5s", "DeregisterCriticalServiceAfter": "10s"})
    seen["registered"] = "checkout-z9" in c.agent.services()
    seen["status"] = check_status("service:checkout-z9")
    seen["gone"] = poll(lambda: "checkout-z9" in c.agent.services(), False, seconds=60)
    seen["gone"] = not seen["gone"]

elif scenario == "fork":
    # What only py-consul sends: Meta, Weights, several checks, PUT deregister, replace-existing-checks.
    port_ = int(args[0])
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=port_, meta={"zone": "b", "team": "core"},
                             weights={"Passing": 30, "Warning": 3}, check=consul.Check.ttl("30s"),
                             extra_checks=[consul.Check.ttl("60s")])
    service = c.agent.services()["api-1"]
    seen["meta"] = service["Meta"]
    seen["weights"] = service["Weights"]
    seen["checks"] = sorted(k for k, v in c.agent.checks().items() if v["ServiceID"] == "api-1")
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=port_,
                             check=consul.Check.ttl("30s"), replace_existing_checks=True)
    seen["replaced"] = sorted(k for k, v in c.agent.checks().items() if v["ServiceID"] == "api-1")
    seen["deregistered"] = deregister("api-1")
    seen["after"] = sorted(c.agent.services().keys())

elif scenario == "refusals":
    # What Consul refuses reaches the library as Consul says it, and changes nothing.
    port_ = int(args[0])
    try:
        c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=port_,
                                 check={"ttl": "30s", "Nottes": "typo"})
        seen["unknown_field"] = "registered"
    except consul.ConsulException as e:
        seen["unknown_field"] = str(e)
    seen["after_refusal"] = sorted(c.agent.services().keys())
    # A key given twice in any case: the last one counts, as Go decodes it.
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=port_,
                             check={"TTL": "1s", "ttl": "30s"})
    seen["ttl"] = c.agent.checks()["service:api-1"]["Definition"].get("TTL")
    # Unknown IDs: 404, which the library answers False.
    seen["deregister_unknown"] = deregister("nosuch")
    seen["pass_unknown"] = c.agent.check.ttl_pass("service:nosuch")
    # An output past Consul's 4 KiB is cut as Consul cuts it.
    c.agent.check.ttl_warn("service:api-1", "x" * 10000)
    seen["output"] = c.agent.checks()["service:api-1"]["Output"]
    try:
        c.health.service("api", index=1, wait="5")
        seen["bad_wait"] = "answered"
    except consul.ConsulException as e:
        seen["bad_wait"] = str(e)

elif scenario == "checkreg":
    # A TTL check registered apart from its service, the way many heartbeat clients do it.
    c.agent.service.register("api", service_id="api-1", address="127.0.0.1", port=int(args[0]))
    seen["registered"] = c.agent.check.register("heartbeat", check=consul.Check.ttl("30s"), service_id="api-1")
    seen["checks"] = sorted(k for k, v in c.agent.checks().items() if v["ServiceID"] == "api-1")
    seen["initial"] = check_status("heartbeat")
    seen["passed"] = c.agent.check.ttl_pass("heartbeat", "beat")
    seen["passing"] = ids(c.health.service("api", passing=True)[1])
    # A 404: the library answers False.
    seen["orphan"] = c.agent.check.register("orphan", check=consul.Check.ttl("30s"), service_id="nosuch")
    seen["after"] = sorted(c.agent.checks().keys())

print(json.dumps(seen))
