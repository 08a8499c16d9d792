package io.rookery.node.ext.upload;

import io.rookery.node.ext.Service;
import io.rookery.node.ext.StanzaSink;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.ping.Ping;
import io.rookery.protocol.xep.upload.HttpUpload;
import io.rookery.protocol.xml.Element;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The XEP-0363 service on {@code upload.<domain>}: its disco#info (identity store/file, the feature, the largest
 * file as a XEP-0128 form), and slots for the users of this server. A request too large gets §5's
 * {@code file-too-large}; one past the user's quota gets {@code resource-constraint} with a {@code retry} stamp
 * (when the user's oldest file expires), after the store counted the user's files off the actors' threads.
 */
final class UploadService implements Service {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UploadService.class);
    private final Uploads uploads;
    private final StanzaSink router;
    private final String serverDomain;

    UploadService(Uploads uploads, StanzaSink router, String serverDomain) {
        this.uploads = uploads;
        this.router = router;
        this.serverDomain = serverDomain;
    }

    @Override
    public void deliver(Element stanza, Jid to, ActorRef<?> session) {
        @SuppressWarnings("unchecked")
        ActorRef<SessionProtocol.Message> s = (ActorRef<SessionProtocol.Message>) session;
        String type = stanza.attr("type");
        if (!"iq".equals(stanza.name())) {
            if ("message".equals(stanza.name()) && !"error".equals(type)) error(stanza, s, StanzaError.of(
                    StanzaErrorCondition.SERVICE_UNAVAILABLE));
            return;
        }
        if (!"get".equals(type) && !"set".equals(type)) return;
        Jid from = Jid.parseOrNull(stanza.attr("from"));
        if (from == null) return;
        Element q = stanza.elements().size() == 1 ? stanza.elements().get(0) : null;
        if (to.local() != null || to.resource() != null || q == null) {
            error(stanza, s, StanzaError.of(q == null ? StanzaErrorCondition.BAD_REQUEST
                    : StanzaErrorCondition.SERVICE_UNAVAILABLE));
            return;
        }
        boolean get = "get".equals(type);
        if (get && q.is("query", Disco.INFO) && q.attr("node") == null) {
            reply(Stanzas.iqResult(stanza, info()), s);
        } else if (get && q.is("query", Disco.ITEMS)) {
            reply(Stanzas.iqResult(stanza, Disco.noItems()), s);
        } else if (get && q.is("ping", Ping.NS)) {
            reply(Stanzas.iqResult(stanza, null), s);
        } else if (get && q.is("request", HttpUpload.NS)) {
            request(stanza, q, from, s);
        } else {
            error(stanza, s, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE));
        }
    }

    private Element info() {
        Element info = Disco.info(null, List.of(new Disco.Identity("store", "file", uploads.settings.name())),
                List.of(Disco.INFO, HttpUpload.NS));
        return info.withChildren(append(info, HttpUpload.discoForm(uploads.settings.maxFileSize())));
    }

    private static List<io.rookery.protocol.xml.Node> append(Element e, Element child) {
        List<io.rookery.protocol.xml.Node> children = new java.util.ArrayList<>(e.children());
        children.add(child);
        return children;
    }

    /** §4: a slot for a user of this server, within the size limit and the user's quota. */
    private void request(Element iq, Element q, Jid from, ActorRef<SessionProtocol.Message> s) {
        HttpUpload.Request r = HttpUpload.Request.of(q);
        if (r == null) {
            refused(iq, s, "bad-request", StanzaError.of(StanzaErrorCondition.BAD_REQUEST,
                    "a request needs a filename and a size in bytes"));
            return;
        }
        if (!serverDomain.equals(from.domain()) || from.local() == null) {
            refused(iq, s, "not-allowed", StanzaError.of(StanzaErrorCondition.NOT_ALLOWED,
                    "only users of " + serverDomain + " may upload"));
            return;
        }
        if (r.size() > uploads.settings.maxFileSize()) {
            uploads.slots.labelValues("too-large").inc();
            reply(HttpUpload.fileTooLarge(iq, uploads.settings.maxFileSize()), s);
            return;
        }
        String base = uploads.baseUrl();
        SlotToken tokens = uploads.tokens();
        if (base == null || tokens == null) {
            refused(iq, s, "unavailable", StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE,
                    "the HTTP listeners are not running (rookery.http)"));
            return;
        }
        String owner = tokens.owner(from.bare().toString());
        CompletableFuture.supplyAsync(() -> {
            try {
                return uploads.store.usage(owner, uploads.settings.expireAfter());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, uploads.blocking()).whenComplete((usage, failure) -> {
            if (failure != null) {
                LOG.warn("upload-store-failed operation=usage: {}", failure.toString());
                refused(iq, s, "store-failed", StanzaError.of(StanzaErrorCondition.INTERNAL_SERVER_ERROR));
            } else if (uploads.settings.quota() > 0 && usage.bytes() + r.size() > uploads.settings.quota()) {
                uploads.slots.labelValues("quota").inc();
                String text = "Quota reached: your files may hold " + uploads.settings.quota() + " bytes together, "
                        + usage.bytes() + " are used";
                reply(usage.oldestExpiry() == null ? Stanzas.errorReply(iq, StanzaError.of(
                        StanzaErrorCondition.RESOURCE_CONSTRAINT, text))
                        : HttpUpload.retryLater(iq, text, usage.oldestExpiry()), s);
            } else {
                uploads.slots.labelValues("granted").inc();
                reply(Stanzas.iqResult(iq, slot(base, tokens, owner, r)), s);
            }
        });
    }

    private Element slot(String base, SlotToken tokens, String owner, HttpUpload.Request r) {
        String slot = tokens.newSlot();
        String name = Uploads.safeName(r.filename());
        String type = r.contentType() == null ? "" : r.contentType();
        long expires = Instant.now().plus(uploads.settings.slotTimeout()).getEpochSecond();
        String get = base + UploadRoutes.PREFIX + owner + "/" + slot + "/" + name;
        String put = get + "?size=" + r.size() + "&type=" + URLEncoder.encode(type, StandardCharsets.UTF_8)
                + "&expires=" + expires + "&token=" + tokens.put(owner, slot, name, r.size(), type, expires);
        return HttpUpload.slot(put, Map.of(), get);
    }

    private void refused(Element iq, ActorRef<SessionProtocol.Message> s, String outcome, StanzaError error) {
        uploads.slots.labelValues(outcome).inc();
        error(iq, s, error);
    }

    private void error(Element stanza, ActorRef<SessionProtocol.Message> s, StanzaError error) {
        if ("error".equals(stanza.attr("type")) || "result".equals(stanza.attr("type"))) return;
        reply(Stanzas.errorReply(stanza, error), s);
    }

    /** Through the requesting session when known (no hop through the account), else the router. */
    private void reply(Element reply, ActorRef<SessionProtocol.Message> session) {
        if (session != null) session.tell(new SessionProtocol.Deliver(reply, NodeMetrics.nowMicros()));
        else router.route(reply);
    }
}
