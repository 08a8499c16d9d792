package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ClusterIT's BOSH part: one session created on one node whose requests then reach the three nodes in turn (as
 * through a load balancer without affinity) logs in, binds, asks for its roster and terminates, each request
 * relayed to the node that holds the session; a sid of no node's gets item-not-found.
 */
final class BoshAcrossNodes {
    private static final String NS = "http://jabber.org/protocol/httpbind";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private BoshAcrossNodes() {}

    static void run(NodeProcess first, NodeProcess second, NodeProcess third) throws Exception {
        String user = second.newUser("boshroam");
        long rid = ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
        String created = post(first, "<body xmlns='" + NS + "' xmlns:xmpp='urn:xmpp:xbosh' rid='" + rid
                + "' to='localhost' ver='1.6' wait='5' hold='1' xmpp:version='1.0'/>");
        String sid = attr(created, "sid");
        String all = created;
        NodeProcess[] nodes = {second, third, first};
        int turn = 0;
        while (!all.contains("<mechanism>PLAIN</mechanism>")) all += post(nodes[turn++ % 3], body(sid, ++rid, ""));
        String auth = Base64.getEncoder().encodeToString(("\0" + user + "\0" + ItEnvironment.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        all = post(nodes[turn++ % 3], body(sid, ++rid, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                + "mechanism='PLAIN'>" + auth + "</auth>"));
        String authAnswer = all;
        assertTrue(all.contains("<success"), () -> "SASL through another node's relay: " + authAnswer);
        all = post(nodes[turn++ % 3], "<body xmlns='" + NS + "' xmlns:xmpp='urn:xmpp:xbosh' rid='" + (++rid)
                + "' sid='" + sid + "' to='localhost' xmpp:restart='true'/>");
        assertTrue(attr(all, "type") == null, all);
        for (int i = 0; i < 5 && !all.contains("urn:ietf:params:xml:ns:xmpp-bind"); i++) {
            all += post(nodes[turn++ % 3], body(sid, ++rid, ""));
        }
        assertTrue(all.contains("urn:ietf:params:xml:ns:xmpp-bind"), all);
        all = post(nodes[turn++ % 3], body(sid, ++rid, "<iq xmlns='jabber:client' type='set' id='b1'><bind "
                + "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>roam</resource></bind></iq>"));
        assertTrue(all.contains("<jid>" + user + "@localhost/roam</jid>"), all);
        all = post(nodes[turn++ % 3], body(sid, ++rid, "<iq xmlns='jabber:client' type='get' id='r1'>"
                + "<query xmlns='jabber:iq:roster'/></iq>"));
        assertTrue(all.contains("id='r1'") && all.contains("type='result'"), all);
        all = post(nodes[turn++ % 3], "<body xmlns='" + NS + "' rid='" + (++rid) + "' sid='" + sid
                + "' type='terminate'/>");
        assertEquals("terminate", attr(all, "type"), all);
        String unknown = post(third, body("ffffffff" + sid.substring(8), 1, ""));
        assertEquals("item-not-found", attr(unknown, "condition"), unknown);
    }

    private static String body(String sid, long rid, String payload) {
        String open = "<body xmlns='" + NS + "' rid='" + rid + "' sid='" + sid + "'";
        return payload.isEmpty() ? open + "/>" : open + ">" + payload + "</body>";
    }

    private static String post(NodeProcess node, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + node.port("http.plain") + "/http-bind")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return r.body();
    }

    private static String attr(String body, String name) {
        Matcher m = Pattern.compile("^<body[^>]*\\s" + name + "='([^']*)'").matcher(body);
        return m.find() ? m.group(1) : null;
    }
}
