package io.rookery.protocol.xep.mam;

import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.rsm.ResultSet;
import io.rookery.protocol.xml.Element;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** XEP-0313 elements: what a client asks ({@link Query}, {@link Prefs}) and what the archive answers. */
public final class Mam {
    public static final String NS = "urn:xmpp:mam:2";
    /** §7: the extended query fields (before-id, after-id, ids) and {@code <flip-page/>}. */
    public static final String NS_EXTENDED = "urn:xmpp:mam:2#extended";
    public static final String FORWARD_NS = "urn:xmpp:forward:0";
    public static final String DELAY_NS = "urn:xmpp:delay";
    /** XEP-0122: the ids field is open to any value (§4.1.5). */
    static final String XDATA_VALIDATE = "http://jabber.org/protocol/xdata-validate";

    private Mam() {}

    /**
     * A query (§4): its filters, paging and {@code flip-page}. Null fields filter nothing; {@code ids} empty
     * filters nothing.
     */
    public record Query(String queryId, Jid with, Instant start, Instant end, String afterId, String beforeId,
            List<String> ids, ResultSet.Request page, boolean flipPage) {
        public Query {
            ids = List.copyOf(ids);
        }
    }

    /** §4.1.5: a query field the server does not know, answered with feature-not-implemented. */
    public static final class UnknownField extends IllegalArgumentException {
        public UnknownField(String var) {
            super("unknown field " + var);
        }
    }

    /**
     * Reads a {@code <query/>}; throws {@link UnknownField} for a field it does not know, IllegalArgumentException
     * for a bad request (a JID or date that does not parse, a form of another FORM_TYPE, paging that is no number).
     */
    public static Query parseQuery(Element query) {
        Map<String, List<String>> fields = DataForm.submitted(query);
        Jid with = null;
        Instant start = null;
        Instant end = null;
        String afterId = null;
        String beforeId = null;
        List<String> ids = List.of();
        if (fields != null) {
            for (Map.Entry<String, List<String>> f : fields.entrySet()) {
                String value = f.getValue().isEmpty() ? null : f.getValue().get(0);
                switch (f.getKey()) {
                    case "FORM_TYPE" -> {
                        if (value != null && !NS.equals(value)) throw new IllegalArgumentException("FORM_TYPE " + value);
                    }
                    case "with" -> with = value == null ? null : jid(value);
                    case "start" -> start = value == null ? null : instant(value);
                    case "end" -> end = value == null ? null : instant(value);
                    case "after-id" -> afterId = value;
                    case "before-id" -> beforeId = value;
                    case "ids" -> ids = List.copyOf(f.getValue());
                    default -> throw new UnknownField(f.getKey());
                }
            }
        }
        return new Query(query.attr("queryid"), with, start, end, afterId, beforeId, ids, ResultSet.parse(query),
                query.child("flip-page", NS) != null);
    }

    /** §5.1.1: the form a client fills in to query, extended fields included. */
    public static Element queryForm() {
        Element form = DataForm.form(NS, List.of(new DataForm.Field("with", "jid-single", null),
                new DataForm.Field("start", "text-single", null), new DataForm.Field("end", "text-single", null),
                new DataForm.Field("after-id", "text-single", null),
                new DataForm.Field("before-id", "text-single", null),
                new DataForm.Field("ids", "list-multi", null, Element.builder("validate", XDATA_VALIDATE)
                        .attr("datatype", "xs:string").child(Element.of("open", XDATA_VALIDATE)).build())));
        return Element.builder("query", NS).child(form).build();
    }

    /** §4.2: one archived message, forwarded to the querying resource with when the archive received it. */
    public static Element result(String to, String queryId, String id, Instant stamp, Element message) {
        Element delay = Element.builder("delay", DELAY_NS).attr("stamp", stamp.toString()).build();
        Element forwarded = Element.builder("forwarded", FORWARD_NS).child(delay).child(message).build();
        Element result = Element.builder("result", NS).attr("queryid", queryId).attr("id", id).child(forwarded)
                .build();
        return Element.builder("message", Namespaces.CLIENT).attr("to", to).child(result).build();
    }

    /** §4.2: the end of the results, with the page's first and last ids (none for an empty page). */
    public static Element fin(boolean complete, String first, String last) {
        Element.Builder fin = Element.builder("fin", NS);
        if (complete) fin.attr("complete", "true");
        return fin.child(ResultSet.answer(first, last, -1)).build();
    }

    /** §6.1.1 archive metadata: the first and last archived messages, or an empty metadata when none. */
    public static Element metadata(String startId, Instant startStamp, String endId, Instant endStamp) {
        Element.Builder m = Element.builder("metadata", NS);
        if (startId != null) {
            m.child(Element.builder("start", NS).attr("id", startId).attr("timestamp", startStamp.toString()).build());
            m.child(Element.builder("end", NS).attr("id", endId).attr("timestamp", endStamp.toString()).build());
        }
        return m.build();
    }

    /** §5.2 default archiving behaviour. */
    public enum DefaultMode {
        ALWAYS("always"), NEVER("never"), ROSTER("roster");

        public final String value;

        DefaultMode(String value) {
            this.value = value;
        }

        public static DefaultMode of(String value) {
            for (DefaultMode m : values()) if (m.value.equals(value)) return m;
            throw new IllegalArgumentException("default " + value);
        }
    }

    /** §5.2 preferences: bare JIDs always and never archived, and what happens with everyone else. */
    public record Prefs(DefaultMode defaultMode, List<String> always, List<String> never) {
        public Prefs {
            always = List.copyOf(always);
            never = List.copyOf(never);
        }

        public Element toXml() {
            return Element.builder("prefs", NS).attr("default", defaultMode.value).child(list("always", always))
                    .child(list("never", never)).build();
        }

        private static Element list(String name, List<String> jids) {
            Element.Builder b = Element.builder(name, NS);
            for (String j : jids) b.child(Element.builder("jid", NS).text(j).build());
            return b.build();
        }
    }

    /** Reads a {@code <prefs/>} set; the JIDs are checked and kept as bare JIDs, each once. */
    public static Prefs parsePrefs(Element prefs) {
        DefaultMode mode = DefaultMode.of(prefs.attr("default"));
        return new Prefs(mode, jids(prefs.child("always", NS)), jids(prefs.child("never", NS)));
    }

    private static List<String> jids(Element list) {
        List<String> out = new ArrayList<>();
        if (list == null) return out;
        for (Element j : list.children("jid", NS)) {
            String bare = jid(j.text()).bare().toString();
            if (!out.contains(bare)) out.add(bare);
        }
        return out;
    }

    private static Jid jid(String text) {
        try {
            return Jid.parse(text.trim());
        } catch (InvalidJidException e) {
            throw new IllegalArgumentException("bad JID " + text);
        }
    }

    /** XEP-0082 DateTime, with a zone designator. */
    static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad date " + text);
        }
    }
}
