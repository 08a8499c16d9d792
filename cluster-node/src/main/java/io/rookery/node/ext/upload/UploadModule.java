package io.rookery.node.ext.upload;

import io.prometheus.metrics.core.metrics.Counter;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * XEP-0363 on {@code <subdomain>.<domain>}: slots over XMPP, files over the node's HTTP listeners (which must be on:
 * {@code rookery.http}), kept in a folder ({@code rookery.modules.upload.folder}), removed after
 * {@code expire-after} by a sweep each node runs every {@code sweep-interval}.
 */
public final class UploadModule implements XmppModule {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UploadModule.class);

    @Override
    public void declare(ModuleContext context, Declarations d) {
        UploadSettings settings = UploadSettings.from(context.config());
        String domain = settings.subdomain() + "." + context.domain();
        Counter slots = Counter.builder().name("xmpp_upload_slots_total")
                .help("XEP-0363 slot requests by outcome (granted; too-large; quota; bad-request; not-allowed;"
                        + " unavailable: the HTTP listeners are off; store-failed)")
                .labelNames("outcome").register(context.metrics());
        Counter files = Counter.builder().name("xmpp_upload_files_total")
                .help("XEP-0363 uploads by outcome (stored; incomplete: fewer bytes than the slot's size; conflict:"
                        + " the slot had a file; failed: the store failed)")
                .labelNames("outcome").register(context.metrics());
        Uploads uploads = new Uploads(settings, new FolderStore(settings.folder()), slots, files);
        d.implementsXep(Xep.xep(363, "1.0.0", "HTTP file upload on " + domain + " (module `upload`): slots with the"
                        + " size limit and a per-user quota, PUT and GET on the HTTP listeners, files kept in a folder"
                        + " and expired"))
                .service(domain, settings.name(), ctx -> {
                    var blocking = ctx.system().dispatchers().lookup(DispatcherSelector.blocking());
                    uploads.started(new SlotToken(ctx.clusterSecret()), blocking);
                    ctx.system().scheduler().scheduleWithFixedDelay(settings.sweepInterval(),
                            settings.sweepInterval(), () -> sweep(uploads), blocking);
                    return new UploadService(uploads, ctx.router(), context.domain());
                })
                .http(new UploadRoutes(uploads));
    }

    /** Files older than expire-after go (none when it is 0), and uploads abandoned for two slot timeouts. */
    private static void sweep(Uploads uploads) {
        Instant now = Instant.now();
        Duration expire = uploads.settings.expireAfter();
        try {
            int removed = uploads.store.expire(expire.isZero() ? null : now.minus(expire),
                    now.minus(uploads.settings.slotTimeout().multipliedBy(2)));
            if (removed > 0) LOG.info("upload-expired files={}", removed);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("upload-store-failed operation=expire: {}", e.toString());
        }
    }
}
