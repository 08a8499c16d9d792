package io.rookery.protocol.xep.extdisco;

import io.rookery.protocol.xml.Element;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** XEP-0215 0.7: the {@code <services/>} list and the {@code <credentials/>} answer. */
public final class ExtDisco {
    public static final String NS = "urn:xmpp:extdisco:2";

    private ExtDisco() {}

    /**
     * One external service (§2): type and host required; port 0, and null transport, name, username, password or
     * expires are left out.
     */
    public record Service(String type, String host, int port, String transport, String name, String username,
            String password, Instant expires) {
        public Element toElement() {
            Element.Builder b = Element.builder("service", NS).attr("host", host).attr("type", type);
            if (port > 0) b.attr("port", Integer.toString(port));
            if (transport != null) b.attr("transport", transport);
            if (name != null && !name.isEmpty()) b.attr("name", name);
            if (username != null) b.attr("username", username);
            if (password != null) b.attr("password", password);
            if (expires != null) b.attr("expires", expires.truncatedTo(ChronoUnit.SECONDS).toString());
            return b.build();
        }
    }

    /** §3.1, §3.2: the list, of one type when the request named one (null: all). */
    public static Element services(String type, List<Service> services) {
        Element.Builder b = Element.builder("services", NS);
        if (type != null) b.attr("type", type);
        for (Service s : services) b.child(s.toElement());
        return b.build();
    }

    /** §3.3: the credentials for the services asked for. */
    public static Element credentials(List<Service> services) {
        Element.Builder b = Element.builder("credentials", NS);
        for (Service s : services) b.child(s.toElement());
        return b.build();
    }
}
