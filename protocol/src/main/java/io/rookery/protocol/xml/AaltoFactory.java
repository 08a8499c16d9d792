package io.rookery.protocol.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLInputFactory2;

/** The one aalto factory all stream parsers share, configured for RFC 6120 §11 and warmed up. */
final class AaltoFactory {
    /**
     * Names XMPP streams use all the time. aalto's readers copy the factory's symbol table on write, so names
     * already in the shared table cost a reader nothing; the table only grows when a reader is closed, which our
     * parsers never do, so this warm-up is the only thing that ever goes into it (peers cannot grow it).
     */
    private static final String[] COMMON_NAMES = {
        "stream:features", "stream:error", "starttls", "proceed", "failure", "auth", "challenge", "response",
        "success", "abort", "mechanisms", "mechanism", "required", "register", "bind", "resource", "jid", "session",
        "optional", "message", "presence", "iq", "body", "subject", "thread", "show", "status", "priority", "error",
        "text", "query", "item", "group", "ping", "c", "x", "delay", "active", "composing", "paused", "inactive",
        "gone", "request", "received", "markable", "displayed", "origin-id", "stanza-id", "sm", "enable", "enabled",
        "r", "a", "resume", "resumed", "identity", "feature", "username", "password", "email", "instructions",
        "bad-request", "service-unavailable", "feature-not-implemented", "item-not-found", "not-authorized",
        "forbidden", "conflict", "not-allowed", "not-acceptable", "internal-server-error", "remote-server-not-found",
        "recipient-unavailable", "undefined-condition", "unexpected-request", "policy-violation",
    };
    private static final String[] COMMON_ATTRIBUTES = {
        "to", "from", "id", "type", "version", "xml:lang", "mechanism", "node", "ver", "hash", "name", "jid",
        "subscription", "ask", "approved", "stamp", "by", "code", "var", "category", "h", "previd", "max", "location",
        "seconds", "xmlns:stream",
    };

    private AaltoFactory() {
    }

    static AsyncXMLInputFactory create() {
        InputFactoryImpl f = new InputFactoryImpl();
        // RFC 6120 §11.1: no DTDs, no entities beyond the predefined five. Refused DTD and entity events surface
        // to the parser, which ends the stream.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_VALIDATING, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_COALESCING, Boolean.FALSE);
        // Lazy text stays on (aalto's default): in eager mode aalto 1.4.0's async scanner fails with an internal
        // error on any text that starts with a character reference (it finishes the text before clearing the
        // reference's state). Lazy mode means a text event is only read to its end by getText*(), so the parser
        // reads every text event before it asks for byte offsets, and bad characters surface from getText*().
        f.setProperty(XMLInputFactory2.P_LAZY_PARSING, Boolean.TRUE);
        f.setProperty(XMLInputFactory2.P_REPORT_PROLOG_WHITESPACE, Boolean.FALSE);
        warmUp(f);
        return f;
    }

    private static void warmUp(AsyncXMLInputFactory f) {
        StringBuilder doc = new StringBuilder(4096).append(
                "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'");
        for (String a : COMMON_ATTRIBUTES) {
            if (!a.startsWith("xmlns")) {
                doc.append(' ').append(a).append("=''");
            }
        }
        doc.append('>');
        for (String n : COMMON_NAMES) {
            doc.append('<').append(n);
            for (String a : COMMON_ATTRIBUTES) {
                if (!a.startsWith("xmlns") && !a.equals("xml:lang")) {
                    doc.append(' ').append(a).append("=''");
                }
            }
            doc.append("/>");
        }
        doc.append("</stream:stream>");
        byte[] bytes = doc.toString().getBytes(StandardCharsets.UTF_8);
        AsyncXMLStreamReader<AsyncByteArrayFeeder> r = f.createAsyncForByteArray();
        try {
            r.getInputFeeder().feedInput(bytes, 0, bytes.length);
            r.getInputFeeder().endOfInput();
            int ev;
            do {
                ev = r.next();
            } while (ev != XMLStreamConstants.END_DOCUMENT && ev != AsyncXMLStreamReader.EVENT_INCOMPLETE);
            r.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("aalto warm-up failed", e);
        }
    }
}
