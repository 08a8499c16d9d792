package io.rookery.protocol.xep.upload;

import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** XEP-0363: the slot request a client sends, the slot and the errors a service answers with. */
public final class HttpUpload {
    public static final String NS = "urn:xmpp:http:upload:0";

    private HttpUpload() {}

    /**
     * §4: a slot request. filename: as given (the service keeps its ending); size: bytes, never negative;
     * contentType: null when not given.
     */
    public record Request(String filename, long size, String contentType) {
        /** The request in an iq's payload, or null when it is not one (no filename, no or a bad size). */
        public static Request of(Element request) {
            if (request == null || !request.is("request", NS)) return null;
            String filename = request.attr("filename");
            String size = request.attr("size");
            if (filename == null || filename.isEmpty() || size == null) return null;
            long bytes;
            try {
                bytes = Long.parseLong(size.trim());
            } catch (NumberFormatException e) {
                return null;
            }
            if (bytes < 0) return null;
            String type = request.attr("content-type");
            return new Request(filename, bytes, type == null || type.isBlank() ? null : type.trim());
        }
    }

    /** §4: the slot, a PUT URL with the headers the upload must carry and a GET URL. */
    public static Element slot(String putUrl, Map<String, String> putHeaders, String getUrl) {
        Element.Builder put = Element.builder("put", NS).attr("url", putUrl);
        for (Map.Entry<String, String> h : putHeaders.entrySet()) {
            put.child(Element.builder("header", NS).attr("name", h.getKey()).text(h.getValue()).build());
        }
        return Element.builder("slot", NS).child(put.build())
                .child(Element.builder("get", NS).attr("url", getUrl).build()).build();
    }

    /** §3: the XEP-0128 form of the service's disco#info, with its largest file (0: no limit, not given). */
    public static Element discoForm(long maxFileSize) {
        Element.Builder x = Element.builder("x", DataForm.NS).attr("type", "result")
                .child(Element.builder("field", DataForm.NS).attr("var", "FORM_TYPE").attr("type", "hidden")
                        .child(Element.builder("value", DataForm.NS).text(NS).build()).build());
        if (maxFileSize > 0) {
            x.child(Element.builder("field", DataForm.NS).attr("var", "max-file-size")
                    .child(Element.builder("value", DataForm.NS).text(Long.toString(maxFileSize)).build()).build());
        }
        return x.build();
    }

    /** §5: the file is larger than the service takes: not-acceptable with {@code <file-too-large/>}. */
    public static Element fileTooLarge(Element iq, long maxFileSize) {
        return withApplicationCondition(Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.NOT_ACCEPTABLE,
                "File too large. The maximum file size is " + maxFileSize + " bytes")),
                Element.builder("file-too-large", NS).child(Element.builder("max-file-size", NS)
                        .text(Long.toString(maxFileSize)).build()).build());
    }

    /** §5: a temporary refusal (a quota): resource-constraint, and when the client may try again. */
    public static Element retryLater(Element iq, String text, Instant retryAt) {
        return withApplicationCondition(Stanzas.errorReply(iq, StanzaError.of(
                StanzaErrorCondition.RESOURCE_CONSTRAINT, text)), Element.builder("retry", NS)
                .attr("stamp", retryAt.truncatedTo(ChronoUnit.SECONDS).toString()).build());
    }

    private static Element withApplicationCondition(Element reply, Element condition) {
        List<Node> children = new ArrayList<>(reply.children().size());
        for (Node n : reply.children()) {
            if (n instanceof Element e && e.name().equals("error")) {
                List<Node> inner = new ArrayList<>(e.children());
                inner.add(condition);
                n = e.withChildren(inner);
            }
            children.add(n);
        }
        return reply.withChildren(children);
    }
}
