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

/**
 * XEP-0198 on client streams: offered after authentication (§2), enabled after binding (§3), acks both ways (§4).
 * The server asks for an ack after a stanza whenever it has none outstanding, so that what the client has received
 * is acknowledged soon and not handed back when the stream ends. Without resumption (§5) yet.
 */
public final class StreamManagementModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        StreamManagementSettings settings = StreamManagementSettings.from(context.config());
        d.implementsXep(Xep.xep(198, "1.6.3", "acks both ways; no resumption yet"))
                .streamFeature(StreamFeature.always(StreamFeature.Step.AFTER_AUTHENTICATION, StreamManagement.FEATURE))
                .streamExtension(new StreamExtension() {
                    @Override
                    public String namespace() {
                        return StreamManagement.NS;
                    }

                    @Override
                    public Outcome start(Element e, boolean bound) {
                        if ("enable".equals(e.name()) && bound) {
                            return Outcome.started(StreamManagement.enabled(null, false, 0),
                                    new StreamAcks(settings.maxUnacknowledged()));
                        }
                        return answerWithoutState(e);
                    }
                });
    }

    /**
     * §3: enable before binding is an unexpected request; §5: resumption is not implemented; acks and requests on a
     * stream that did not enable stream management have nothing to count.
     */
    static StreamExtension.Outcome answerWithoutState(Element e) {
        return switch (e.name()) {
            case "resume" -> StreamExtension.Outcome.write(
                    StreamManagement.failed(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED));
            case "enable", "r", "a" -> StreamExtension.Outcome.write(
                    StreamManagement.failed(StanzaErrorCondition.UNEXPECTED_REQUEST));
            default -> StreamModuleErrors.unsupported();
        };
    }
}
