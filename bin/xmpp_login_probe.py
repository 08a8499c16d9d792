#!/usr/bin/env python3
"""A minimal XMPP login probe: STARTTLS (or direct TLS), SASL SCRAM-SHA-256, resource binding.

    bin/xmpp_login_probe.py HOST PORT DOMAIN USER PASSWORD [--direct-tls]

Prints the bound JID and exits 0 when the whole login succeeded; prints why and exits 1 otherwise. Python 3 standard
library only. It reads with simple buffered matching (it looks for the closing tags it needs): a probe, not a parser.
"""
import base64
import hashlib
import hmac
import re
import secrets
import socket
import ssl
import sys
import time

TIMEOUT = 10.0  # seconds, for every read and for the connect
NS_CLIENT = "jabber:client"
NS_STREAM = "http://etherx.jabber.org/streams"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
MECHANISM = "SCRAM-SHA-256"


class ProbeError(Exception):
    pass


def element(name):
    """A regex for one complete element NAME (any prefix), either <x .../> or <x ...>...</x>."""
    n = r"(?:[A-Za-z0-9_.-]+:)?" + re.escape(name)
    return re.compile(r"<" + n + r"(?=[\s/>])[^>]*?/>|<" + n + r"(?=[\s>])[^>]*>.*?</" + n + r">", re.S)


STREAM_ERROR = element("error")
STREAM_END = re.compile(r"</(?:[A-Za-z0-9_.-]+:)?stream>")


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.buf = ""
        self.raw = b""  # undecoded tail (a UTF-8 sequence split across reads)

    def send(self, text):
        self.sock.sendall(text.encode("utf-8"))

    def expect(self, *names):
        """Reads until one of the named elements is complete; returns (name, text) and drops it from the buffer."""
        patterns = [(n, element(n)) for n in names]
        deadline = time.monotonic() + TIMEOUT
        while True:
            found = None
            for n, p in patterns:
                m = p.search(self.buf)
                if m and (found is None or m.start() < found[1].start()):
                    found = (n, m)
            if found:
                n, m = found
                self.buf = self.buf[m.end():]
                return n, m.group(0)
            # The server gave up on us: stream error or closing tag before what we wait for.
            err = STREAM_ERROR.search(self.buf)
            if err and "stream" in err.group(0)[:20]:
                raise ProbeError("stream error while waiting for <%s>: %s" % ("|".join(names), err.group(0)))
            if STREAM_END.search(self.buf):
                raise ProbeError("server closed the stream while waiting for <%s>: %s"
                                 % ("|".join(names), self.buf[-500:]))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProbeError("timeout (%.0f s) waiting for <%s>; received so far: %r"
                                 % (TIMEOUT, "|".join(names), self.buf[-500:]))
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise ProbeError("connection closed by the server while waiting for <%s>; received: %r"
                                 % ("|".join(names), self.buf[-500:]))
            self.raw += chunk
            try:
                self.buf += self.raw.decode("utf-8")
                self.raw = b""
            except UnicodeDecodeError as e:
                if e.start < len(self.raw) - 3:
                    raise ProbeError("server sent invalid UTF-8")
                self.buf += self.raw[:e.start].decode("utf-8")
                self.raw = self.raw[e.start:]

    def open_stream(self, domain):
        """Sends a stream header and returns the text of the server's <stream:features>."""
        self.buf = ""
        self.send("<?xml version='1.0'?><stream:stream to='%s' version='1.0' xml:lang='en' xmlns='%s' "
                  "xmlns:stream='%s'>" % (xml_escape(domain), NS_CLIENT, NS_STREAM))
        _, features = self.expect("features")
        return features


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")


def element_text(xml):
    """The character data of a simple element like <challenge xmlns='...'>BASE64</challenge> (empty if none)."""
    m = re.match(r"<[^>]*/>$", xml)
    if m:
        return ""
    m = re.match(r"<[^>]*>(.*)</[^>]*>$", xml, re.S)
    return m.group(1).strip() if m else ""


def b64(data):
    return base64.b64encode(data).decode("ascii")


def unb64(text, what):
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise ProbeError("%s is not valid base64: %r" % (what, text))


def scram_attributes(message, what):
    attrs = {}
    for part in message.split(","):
        if len(part) < 2 or part[1] != "=":
            raise ProbeError("malformed %s: %r" % (what, message))
        attrs.setdefault(part[0], part[2:])
    return attrs


def saslname(user):
    # RFC 5802 §5.1: '=' and ',' in the user name are escaped. The user name and password are not SASLprep'd here:
    # the probe is meant for ASCII test accounts.
    return user.replace("=", "=3D").replace(",", "=2C")


def hmac256(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


def scram_sha256(conn, user, password):
    """RFC 7677 / RFC 5802 SCRAM-SHA-256 without channel binding ('n,,'). Raises ProbeError unless it succeeds and
    the server proves it knows the ServerKey (v=)."""
    cnonce = b64(secrets.token_bytes(24))
    client_first_bare = "n=%s,r=%s" % (saslname(user), cnonce)
    gs2_header = "n,,"
    conn.send("<auth xmlns='%s' mechanism='%s'>%s</auth>"
              % (NS_SASL, MECHANISM, b64((gs2_header + client_first_bare).encode("utf-8"))))
    name, xml = conn.expect("challenge", "failure", "success")
    if name != "challenge":
        raise ProbeError("expected a SCRAM challenge, got %s" % xml)
    server_first = unb64(element_text(xml), "server-first-message").decode("utf-8")
    attrs = scram_attributes(server_first, "server-first-message")
    if "m" in attrs:
        raise ProbeError("server-first-message has a mandatory extension: %r" % server_first)
    snonce, salt_b64, iterations = attrs.get("r"), attrs.get("s"), attrs.get("i")
    if not snonce or salt_b64 is None or not iterations:
        raise ProbeError("server-first-message lacks r, s or i: %r" % server_first)
    if not snonce.startswith(cnonce) or len(snonce) == len(cnonce):
        raise ProbeError("server nonce does not extend the client nonce: %r" % server_first)
    if not iterations.isdigit() or int(iterations) < 1:
        raise ProbeError("bad iteration count in %r" % server_first)
    salt = unb64(salt_b64, "salt")

    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, int(iterations))
    client_key = hmac256(salted, b"Client Key")
    stored_key = hashlib.sha256(client_key).digest()
    without_proof = "c=%s,r=%s" % (b64(gs2_header.encode("ascii")), snonce)
    auth_message = ",".join([client_first_bare, server_first, without_proof]).encode("utf-8")
    client_signature = hmac256(stored_key, auth_message)
    proof = bytes(a ^ b for a, b in zip(client_key, client_signature))
    server_signature = hmac256(hmac256(salted, b"Server Key"), auth_message)

    conn.send("<response xmlns='%s'>%s</response>"
              % (NS_SASL, b64((without_proof + ",p=" + b64(proof)).encode("ascii"))))
    name, xml = conn.expect("success", "failure", "challenge")
    if name == "failure":
        raise ProbeError("authentication failed: %s" % xml)
    server_final_text = element_text(xml)
    if name == "challenge":
        # RFC 6120 §6.4.6 lets the server send the additional data as a last challenge instead of in <success/>.
        conn.send("<response xmlns='%s'/>" % NS_SASL)
        name2, xml2 = conn.expect("success", "failure")
        if name2 != "success":
            raise ProbeError("authentication failed after server-final-message: %s" % xml2)
    if not server_final_text or server_final_text == "=":
        raise ProbeError("the server sent no server-final-message (v=) to verify: %s" % xml)
    server_final = unb64(server_final_text, "server-final-message").decode("utf-8")
    final_attrs = scram_attributes(server_final, "server-final-message")
    if "e" in final_attrs:
        raise ProbeError("server-final-message reports an error: %r" % server_final)
    if "v" not in final_attrs:
        raise ProbeError("server-final-message has no verifier: %r" % server_final)
    if not hmac.compare_digest(unb64(final_attrs["v"], "server signature"), server_signature):
        raise ProbeError("the server signature (v=) does not verify: the server does not know our ServerKey")


def tls_context():
    # The development certificate is self-signed, so this probe does not verify the server's certificate or host
    # name: it measures whether login works, it does not authenticate the server. Do not copy this into a client.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def login(host, port, domain, user, password, direct_tls):
    try:
        sock = socket.create_connection((host, port), timeout=TIMEOUT)
    except OSError as e:
        raise ProbeError("cannot connect to %s:%d: %s" % (host, port, e))
    try:
        if direct_tls:
            sock = tls_context().wrap_socket(sock, server_hostname=domain)
            conn = Connection(sock)
            features = conn.open_stream(domain)
        else:
            conn = Connection(sock)
            features = conn.open_stream(domain)
            if "<starttls" not in features:
                raise ProbeError("the server does not offer STARTTLS: %s" % features)
            conn.send("<starttls xmlns='%s'/>" % NS_TLS)
            name, xml = conn.expect("proceed", "failure")
            if name != "proceed":
                raise ProbeError("STARTTLS refused: %s" % xml)
            if conn.buf.strip():
                raise ProbeError("unexpected data after <proceed/>: %r" % conn.buf)
            sock.settimeout(TIMEOUT)
            sock = tls_context().wrap_socket(sock, server_hostname=domain)
            conn = Connection(sock)
            features = conn.open_stream(domain)
        if not re.search(r"<mechanism>\s*" + MECHANISM + r"\s*</mechanism>", features):
            raise ProbeError("the server does not offer %s after TLS: %s" % (MECHANISM, features))
        scram_sha256(conn, user, password)

        features = conn.open_stream(domain)
        if "<bind" not in features:
            raise ProbeError("the server does not offer resource binding: %s" % features)
        conn.send("<iq type='set' id='b1'><bind xmlns='%s'/></iq>" % NS_BIND)
        _, iq = conn.expect("iq")
        jid = re.search(r"<jid>([^<]+)</jid>", iq)
        if not re.search(r"""\stype=['"]result['"]""", iq) or not jid:
            raise ProbeError("resource binding failed: %s" % iq)

        conn.send("</stream:stream>")
        # Give the server a moment to close its side; not waiting for it is no failure.
        try:
            sock.settimeout(1.0)
            sock.recv(4096)
        except (OSError, ssl.SSLError):
            pass
        return jid.group(1)
    except ssl.SSLError as e:
        raise ProbeError("TLS error: %s" % e)
    except OSError as e:
        raise ProbeError("I/O error: %s" % e)
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main(argv):
    args = [a for a in argv if a != "--direct-tls"]
    direct_tls = len(args) != len(argv)
    if len(args) != 5 or not args[1].isdigit():
        print("usage: xmpp_login_probe.py HOST PORT DOMAIN USER PASSWORD [--direct-tls]", file=sys.stderr)
        return 2
    host, port, domain, user, password = args[0], int(args[1]), args[2], args[3], args[4]
    try:
        print(login(host, port, domain, user, password, direct_tls))
        return 0
    except ProbeError as e:
        print("login failed: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
