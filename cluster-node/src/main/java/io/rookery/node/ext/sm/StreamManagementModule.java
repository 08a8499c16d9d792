package io.rookery.node.ext.sm;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamExtension;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.sm.StreamManagement;
import io.rookery.protocol.xml.Element;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * XEP-0198 on client streams: offered after authentication (§2), enabled after binding (§3), acks both ways (§4),
 * resumption (§5) on any node of the cluster. The server asks for an ack after a stanza whenever it has
 * none outstanding, so that what the client has received is acknowledged soon and not sent again.
 */
public final class StreamManagementModule implements XmppModule {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public void declare(ModuleContext context, Declarations d) {
        StreamManagementSettings settings = StreamManagementSettings.from(context.config());
        d.implementsXep(Xep.xep(198, "1.6.3", settings.resumption()
                        ? "acks both ways; resumption on any node" : "acks both ways"))
                .streamFeature(StreamFeature.always(StreamFeature.Step.AFTER_AUTHENTICATION, StreamManagement.FEATURE))
                .streamExtension(new StreamExtension() {
                    @Override
                    public String namespace() {
                        return StreamManagement.NS;
                    }

                    @Override
                    public Outcome start(Element e, String resource) {
                        boolean bound = resource != null;
                        if ("enable".equals(e.name()) && bound) {
                            String id = settings.resumption() && StreamManagement.wantsResumption(e)
                                    ? newId(resource) : null;
                            return Outcome.started(StreamManagement.enabled(id, id != null,
                                    settings.maxResumptionTime().toSeconds(), settings.location()),
                                    new StreamAcks(settings, id));
                        }
                        if ("resume".equals(e.name()) && settings.resumption()) {
                            return bound ? Outcome.write(StreamManagement.failed(
                                    StanzaErrorCondition.UNEXPECTED_REQUEST)) : resume(e);
                        }
                        return answerWithoutState(e);
                    }

                    @Override
                    public State restore(Element portable) {
                        return StreamAcks.restore(settings, portable);
                    }

                    @Override
                    public Outcome recover(String id, long handled, long acknowledgedTotal) {
                        if (!settings.durable()) return null;
                        StreamAcks acks = StreamAcks.recover(settings, id, handled, acknowledgedTotal);
                        return Outcome.started(acks.resumedNow(), acks);
                    }

                    @Override
                    public String resumeFailed() {
                        return StreamManagement.failed(StanzaErrorCondition.ITEM_NOT_FOUND);
                    }
                });
    }

    /** §5: {@code <resume previd h/>}; a missing id is an unknown one, a missing or bad count malformed. */
    private static StreamExtension.Outcome resume(Element e) {
        String previd = e.attr("previd");
        if (previd == null || previd.isEmpty()) {
            return StreamExtension.Outcome.write(StreamManagement.failed(StanzaErrorCondition.ITEM_NOT_FOUND));
        }
        long h = StreamManagement.handled(e);
        if (h < 0) return StreamModuleErrors.badCount();
        return StreamExtension.Outcome.resume(previd, resourceOf(previd), h);
    }

    /**
     * An unguessable SM-ID (§5): 128 random bits, then a dot and the resource it was given to (base64url), by which
     * a node other than the session's finds it through the user's entity. The resource is no secret (contacts see
     * the full JID); the random part is what a resumption must know.
     */
    static String newId(String resource) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(bytes) + "." + b64.encodeToString(resource.getBytes(StandardCharsets.UTF_8));
    }

    /** The resource an SM-ID names, or null when it names none (not one of ours, or malformed). */
    static String resourceOf(String id) {
        int dot = id.indexOf('.');
        if (dot < 0 || dot == id.length() - 1) return null;
        try {
            return new String(Base64.getUrlDecoder().decode(id.substring(dot + 1)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * §3: enable before binding is an unexpected request, and so is resuming once bound; resumption switched off is
     * not implemented (§5); acks and requests on a stream that did not enable stream management have nothing to
     * count.
     */
    static StreamExtension.Outcome answerWithoutState(Element e) {
        return switch (e.name()) {
            case "resume" -> StreamExtension.Outcome.write(StreamManagement.failed(
                    StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED));
            case "enable", "r", "a" -> StreamExtension.Outcome.write(
                    StreamManagement.failed(StanzaErrorCondition.UNEXPECTED_REQUEST));
            default -> StreamModuleErrors.unsupported();
        };
    }
}
