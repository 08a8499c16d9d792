package io.rookery.node.ext.upload;

import io.rookery.node.ext.Service;
import io.rookery.node.ext.ServiceRequests;
import io.rookery.node.ext.StanzaSink;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.disco.Disco;
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
    private final ServiceRequests requests;
    private final String serverDomain;
    /** §3: the service's disco#info, the same for every request. */
    private final Element info;

    UploadService(Uploads uploads, StanzaSink router, String serverDomain) {
        this.uploads = uploads;
        this.requests = new ServiceRequests(router);
        this.serverDomain = serverDomain;
        Element info = Disco.info(null, List.of(new Disco.Identity("store", "file", uploads.settings.name())),
                List.of(Disco.INFO, HttpUpload.NS));
        List<io.rookery.protocol.xml.Node> children = new java.util.ArrayList<>(info.children());
        children.add(HttpUpload.discoForm(uploads.settings.maxFileSize()));
        this.info = info.withChildren(children);
    }

    @Override
    public void deliver(Element stanza, Jid to, ActorRef<?> session) {
        ServiceRequests.Request r = requests.of(stanza, to, session);
        if (r == null) return;
        if (requests.answeredAlike(r, info)) return;
        if (r.get() && r.payload().is("request", HttpUpload.NS)) {
            request(r);
        } else {
            requests.error(r, StanzaErrorCondition.SERVICE_UNAVAILABLE);
        }
    }

    /** §4: a slot for a user of this server, within the size limit and the user's quota. */
    private void request(ServiceRequests.Request request) {
        Jid from = request.from();
        HttpUpload.Request r = HttpUpload.Request.of(request.payload());
        if (r == null) {
            refused(request, "bad-request", StanzaError.of(StanzaErrorCondition.BAD_REQUEST,
                    "a request needs a filename and a size in bytes"));
            return;
        }
        if (!serverDomain.equals(from.domain()) || from.local() == null) {
            refused(request, "not-allowed", StanzaError.of(StanzaErrorCondition.NOT_ALLOWED,
                    "only users of " + serverDomain + " may upload"));
            return;
        }
        if (r.size() > uploads.settings.maxFileSize()) {
            uploads.slots.labelValues("too-large").inc();
            requests.reply(HttpUpload.fileTooLarge(request.iq(), uploads.settings.maxFileSize()), request.session());
            return;
        }
        String base = uploads.baseUrl();
        SlotToken tokens = uploads.tokens();
        if (base == null || tokens == null) {
            refused(request, "unavailable", StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE,
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
                refused(request, "store-failed", StanzaError.of(StanzaErrorCondition.INTERNAL_SERVER_ERROR));
            } else if (uploads.settings.quota() > 0 && usage.bytes() + r.size() > uploads.settings.quota()) {
                uploads.slots.labelValues("quota").inc();
                String text = "Quota reached: your files may hold " + uploads.settings.quota() + " bytes together, "
                        + usage.bytes() + " are used";
                if (usage.oldestExpiry() == null) {
                    requests.error(request, StanzaError.of(StanzaErrorCondition.RESOURCE_CONSTRAINT, text));
                } else {
                    requests.reply(HttpUpload.retryLater(request.iq(), text, usage.oldestExpiry()),
                            request.session());
                }
            } else {
                uploads.slots.labelValues("granted").inc();
                requests.result(request, slot(base, tokens, owner, r));
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

    private void refused(ServiceRequests.Request request, String outcome, StanzaError error) {
        uploads.slots.labelValues(outcome).inc();
        requests.error(request, error);
    }
}
