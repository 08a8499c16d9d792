#!/usr/bin/env python3
"""A server's chat latency as seen on the wire: from a loopback capture (tcpdump -w), when each stamped message
arrived at the server and when the server wrote it to its recipient (issue 13's cross-check of the generators).

  python3 loadtest/compare/wire_latency.py CAPTURE.pcap --port=16422 [--json=OUT.json]

Reads classic pcap (microsecond or nanosecond timestamps; Ethernet as tcpdump writes loopback, Linux cooked v1 and
v2), no third-party module. Each TCP direction is reassembled in sequence order; a complete <message .../message>
whose body carries a stamp is timed at the packet that brought its last byte. Stamps of both generators:

  loadtest/run   lt1 SEQ NANOTIME [LATENANOS] [padding]   key: SEQ (unique per run)
  tsung          @@@<node hash>,<mega>;<sec>;<micro>@@@    key: the stamp and the bare JID it is addressed to

A message is "in" when a client sends it to --port, "out" when the server sends it to a client. wire latency = out -
in, per message, on the capture's one clock. Also: how late each message reached the wire after its sender's stamp
(send_lag; for loadtest/run relative to the smallest, as its NANOTIME is System.nanoTime(), not wall time), how many
server writes carried several messages to one client (tsung times only the first of a read), and what could not be
matched (a gap in a direction's sequence numbers, from a packet tcpdump dropped or cut, loses what it touches).
"""

import argparse
import json
import math
import re
import struct
import sys

LOADTEST = re.compile(rb"<body>lt1 (\d+) (\d+)(?: (\d+))?")
TSUNG = re.compile(rb"@@@(\d+),(\d+);(\d+);(\d+)@@@")
TO = re.compile(rb"""\bto=['"]([^'"/]+)""")
END = b"</message>"
START = b"<message"


def percentile(sorted_xs, p):
    """Nearest rank: the smallest sample with at least p % of the samples at or below it (tsung-chat's too)."""
    if not sorted_xs:
        return None
    return sorted_xs[max(0, math.ceil(p / 100.0 * len(sorted_xs)) - 1)]


def stats(xs):
    xs = sorted(xs)
    if not xs:
        return {"count": 0, "p50": None, "p90": None, "p99": None, "max": None, "mean": None, "min": None}
    return {"count": len(xs), "min": xs[0], "p50": percentile(xs, 50), "p90": percentile(xs, 90),
            "p99": percentile(xs, 99), "max": xs[-1], "mean": sum(xs) / len(xs)}


def packets(path):
    """(time in seconds, src ip, sport, dst ip, dport, tcp seq, payload, truncated) for every IPv4/IPv6 TCP packet."""
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            raise ValueError("%s: not a classic pcap file (pcapng is not read; tcpdump -w writes pcap)" % path)
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0x0FFFFFFF
        rec = struct.Struct(endian + "IIII")
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            sec, frac, caplen, wirelen = rec.unpack(h)
            data = f.read(caplen)
            if len(data) < caplen:
                return
            t = sec + frac / (1e9 if nano else 1e6)
            if linktype == 1:  # Ethernet (what tcpdump -i lo writes)
                off, proto = 14, data[12:14]
            elif linktype == 113:  # Linux cooked v1
                off, proto = 16, data[14:16]
            elif linktype == 276:  # Linux cooked v2
                off, proto = 20, data[0:2]
            elif linktype == 0:  # BSD loopback
                off, proto = 4, (b"\x08\x00" if data[0] in (2, 0) or data[3] == 2 else b"\x86\xdd")
            else:
                raise ValueError("link type %d not read" % linktype)
            if proto == b"\x08\x00":
                ihl = (data[off] & 0x0F) * 4
                if data[off + 9] != 6:
                    continue
                total = struct.unpack(">H", data[off + 2:off + 4])[0]
                src, dst = data[off + 12:off + 16], data[off + 16:off + 20]
                tcp = off + ihl
                ip_end = off + total
            elif proto == b"\x86\xdd":
                if data[off + 6] != 6:
                    continue
                plen = struct.unpack(">H", data[off + 4:off + 6])[0]
                src, dst = data[off + 8:off + 24], data[off + 24:off + 40]
                tcp = off + 40
                ip_end = off + 40 + plen
            else:
                continue
            sport, dport, seq = struct.unpack(">HHI", data[tcp:tcp + 8])
            doff = (data[tcp + 12] >> 4) * 4
            payload = data[tcp + doff:min(ip_end, len(data))]
            truncated = caplen < wirelen or ip_end > len(data)
            yield t, src, sport, dst, dport, seq, payload, truncated


class Flow:
    """One TCP direction: bytes in sequence order, complete messages handed out with the time of their last byte."""

    def __init__(self):
        self.next_seq = None
        self.buf = b""
        self.gaps = 0
        self.retransmits = 0

    def feed(self, t, seq, payload, truncated, out):
        if not payload:
            return
        if self.next_seq is not None:
            delta = (seq - self.next_seq) & 0xFFFFFFFF
            if delta >= 0x80000000:  # seq before what we have: a retransmission, maybe partly new
                overlap = (self.next_seq - seq) & 0xFFFFFFFF
                self.retransmits += 1
                if overlap >= len(payload):
                    return
                payload, seq = payload[overlap:], self.next_seq
            elif delta:
                self.gaps += 1  # bytes we never saw (tcpdump dropped the packet): start again at a message
                self.buf = b""
        if truncated:
            self.gaps += 1
            self.buf = b""
            self.next_seq = None
            return
        self.next_seq = (seq + len(payload)) & 0xFFFFFFFF
        self.buf += payload
        start = 0
        while True:
            end = self.buf.find(END, start)
            if end < 0:
                break
            end += len(END)
            out.append((t, self.buf[start:end]))
            start = end
        self.buf = self.buf[start:]
        if len(self.buf) > 1 << 20:  # no message end in a megabyte: not a stream of ours
            self.buf = self.buf[-4096:]


def stamps(chunk):
    """(kind, key, payload) for the stamp in one message, or None. chunk may carry other stanzas before it."""
    i = chunk.rfind(START)
    if i > 0:
        chunk = chunk[i:]
    m = LOADTEST.search(chunk)
    if m:
        return "loadtest", int(m.group(1)), (int(m.group(2)), int(m.group(3) or 0))
    m = TSUNG.search(chunk)
    if m:
        to = TO.search(chunk)
        stamp_s = int(m.group(2)) * 1e6 + int(m.group(3)) + int(m.group(4)) / 1e6
        return "tsung", (m.group(0), to.group(1) if to else b""), stamp_s
    return None


def analyse(path, port, window=None):
    flows = {}
    ins, outs = {}, {}
    collisions = 0
    out_writes_multi = 0
    out_writes = 0
    first_t = last_t = None
    n_packets = 0
    for t, src, sport, dst, dport, seq, payload, truncated in packets(path):
        n_packets += 1
        if sport != port and dport != port:
            continue
        inbound = dport == port
        key = (src, sport, dst, dport)
        flow = flows.get(key)
        if flow is None:
            flow = flows[key] = Flow()
        done = []
        flow.feed(t, seq, payload, truncated, done)
        stamped = 0
        for when, chunk in done:
            s = stamps(chunk)
            if s is None:
                continue
            stamped += 1
            kind, k, extra = s
            if first_t is None:
                first_t = when
            last_t = when
            table = ins if inbound else outs
            if k in table:
                collisions += 1
                continue
            table[k] = (when, kind, extra)
        if not inbound and stamped:
            out_writes += 1
            out_writes_multi += stamped > 1
    wire, lag, late, kinds = [], [], [], {}
    matched = 0
    for k, (t_in, kind, extra) in ins.items():
        kinds[kind] = kinds.get(kind, 0) + 1
        o = outs.get(k)
        if kind == "tsung":
            lag.append((t_in - extra) * 1000.0)
        else:
            # NANOTIME is System.nanoTime(): only differences mean anything; the smallest is subtracted below.
            lag.append(t_in * 1e9 - extra[0])
            late.append(extra[1] / 1e6)
        if o is None:
            continue
        matched += 1
        wire.append((o[0] - t_in) * 1000.0)
    if kinds.get("loadtest") and lag:
        base = min(lag)
        lag = [(x - base) / 1e6 for x in lag]
    return {
        "capture": path, "port": port, "packets": n_packets, "generator": ",".join(sorted(kinds)) or None,
        "first_stamp_epoch": first_t, "last_stamp_epoch": last_t,
        "in": len(ins), "out": len(outs), "matched": matched,
        "unmatched_in": len(ins) - matched, "unmatched_out": len(outs) - matched, "key_collisions": collisions,
        "sequence_gaps": sum(f.gaps for f in flows.values()),
        "retransmissions": sum(f.retransmits for f in flows.values()),
        "server_writes_with_messages": out_writes, "server_writes_with_several": out_writes_multi,
        "wire_latency_ms": stats(wire),
        # tsung: wall-clock stamp to the wire; loadtest/run: the same relative to the fastest message.
        "send_lag_ms": stats(lag),
        "send_lag_relative": bool(kinds.get("loadtest")),
        # loadtest/run: how late after it was due each message was written (LATENANOS in the body).
        "pacer_late_ms": stats(late),
    }


def fmt(v):
    return "-" if v is None else ("%.3f" % v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("capture")
    ap.add_argument("--port", type=int, required=True, help="the server's client port")
    ap.add_argument("--json", help="write the result here too")
    args = ap.parse_args()
    r = analyse(args.capture, args.port)
    w, s = r["wire_latency_ms"], r["send_lag_ms"]
    print("wire in=%d out=%d matched=%d gaps=%d collisions=%d several_per_write=%d/%d p50_ms=%s p99_ms=%s "
          "mean_ms=%s max_ms=%s send_lag_p50_ms=%s send_lag_p99_ms=%s"
          % (r["in"], r["out"], r["matched"], r["sequence_gaps"], r["key_collisions"],
             r["server_writes_with_several"], r["server_writes_with_messages"], fmt(w["p50"]), fmt(w["p99"]),
             fmt(w["mean"]), fmt(w["max"]), fmt(s["p50"]), fmt(s["p99"])))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r, f, indent=2, sort_keys=True)
    return 0 if r["matched"] else 1


if __name__ == "__main__":
    sys.exit(main())
