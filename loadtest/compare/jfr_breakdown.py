#!/usr/bin/env python3
"""Shares of a JFR recording's Java execution samples by component of a Rookery node (standard library only).

Each sample goes to the first component, in the order below, that any frame of its stack belongs to: so a sample of
the Cassandra driver's code called from an actor counts as the driver, not as the actor. Also prints the threads
that carried the samples and the hottest methods by own time.
  loadtest/compare/jfr_breakdown.py RECORDING.jfr [TOP]
"""
import collections
import json
import subprocess
import sys

COMPONENTS = [
    ("SASL and string preparation (SCRAM, SASLprep, PRECIS, JIDs)",
     ["io/rookery/protocol/sasl", "com/ongres", "rocks/xmpp/precis", "io/rookery/protocol/jid"]),
    ("XML parsing (XmppStreamParser, aalto)", ["io/rookery/protocol/xml/XmppStreamParser", "com/fasterxml/aalto"]),
    ("XML writing", ["io/rookery/protocol/xml/XmlWriter", "StreamHeader.toOpeningXml"]),
    ("TLS", ["io/rookery/protocol/tls", "sun/security/ssl"]),
    ("Cassandra driver and its netty I/O", ["com/datastax", "io/netty"]),
    ("pekko-persistence-cassandra", ["org/apache/pekko/persistence/cassandra"]),
    ("Pekko persistence (recovery, event handling)", ["org/apache/pekko/persistence"]),
    ("Cluster sharding", ["org/apache/pekko/cluster/sharding"]),
    ("stream materialization per connection",
     ["PhasedFusingActorMaterializer", "GraphInterpreterShell.init", "ActorGraphInterpreter.preStart",
      "ActorGraphInterpreter.tryInit", "IncomingConnection.handleWith", "TcpServer$Accepted.run"]),
    ("Rookery transport (selector thread, socket stage, socket I/O)", ["io/rookery/node/net", "sun/nio/ch"]),
    ("Pekko TCP (connection actors, selectors)", ["org/apache/pekko/io/"]),
    ("Pekko Streams (running stages)", ["org/apache/pekko/stream"]),
    ("Rookery session actor and connection stage", ["io/rookery/node/c2s"]),
    ("Rookery user entity, routing, cluster", ["io/rookery/node/user", "io/rookery/node/routing",
                                               "io/rookery/node/cluster"]),
    ("actor creation", ["ActorCell.create", "Children.makeChild", "actorOf", "systemActorOf"]),
    ("serialization", ["kryo", "Serializ"]),
    ("Pekko remoting (Artery: framing, envelopes, TCP streams)", ["org/apache/pekko/remote"]),
    ("Pekko cluster (gossip, failure detector, distributed data)", ["org/apache/pekko/cluster"]),
    ("logging", ["logback", "slf4j", "pekko/event"]),
    ("Pekko dispatch (mailboxes, dispatcher threads)",
     ["org/apache/pekko/dispatch", "org/apache/pekko/actor", "java/util/concurrent/ForkJoin"]),
]


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    out = subprocess.run(["jfr", "print", "--stack-depth", "200", "--json", "--events", "jdk.ExecutionSample", path],
                         capture_output=True, text=True, check=True, timeout=600).stdout
    events = json.loads(out)["recording"]["events"]
    by_component, by_thread, by_method = collections.Counter(), collections.Counter(), collections.Counter()
    n = 0
    for ev in events:
        st = ev["values"].get("stackTrace")
        if not st or not st["frames"]:
            continue
        n += 1
        frames = [f["method"]["type"]["name"] + "." + f["method"]["name"] for f in st["frames"]]
        name = "other"
        for component, patterns in COMPONENTS:
            if any(p in f for f in frames for p in patterns):
                name = component
                break
        by_component[name] += 1
        by_method[frames[0]] += 1
        thread = (ev["values"].get("sampledThread") or {}).get("javaName") or "?"
        by_thread[thread.rstrip("0123456789-")] += 1
    if not n:
        print("no execution samples in %s" % path)
        return
    print("%d Java execution samples" % n)
    print("\nby component:")
    for k, v in by_component.most_common():
        print("  %5.1f %%  %s" % (100.0 * v / n, k))
    print("\nby thread:")
    for k, v in by_thread.most_common(6):
        print("  %5.1f %%  %s" % (100.0 * v / n, k))
    print("\nhottest methods (own time):")
    for k, v in by_method.most_common(top):
        print("  %5.1f %%  %s" % (100.0 * v / n, k))


if __name__ == "__main__":
    main()
