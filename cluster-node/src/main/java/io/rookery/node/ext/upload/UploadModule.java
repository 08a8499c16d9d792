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
 * {@code rookery.http}), kept in a folder ({@code rookery.modules.upload.folder}) or an S3-compatible bucket
 * ({@code store = s3}), removed after {@code expire-after} by a sweep each node runs every {@code sweep-interval}.
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
        UploadStore store = store(settings);
        Uploads uploads = new Uploads(settings, store, slots, files);
        d.implementsXep(Xep.xep(363, "1.0.0", "HTTP file upload on " + domain + " (module `upload`): slots with the"
                        + " size limit and a per-user quota, PUT and GET on the HTTP listeners, files kept in a folder"
                        + " or an S3-compatible bucket and expired"))
                .service(domain, settings.name(), ctx -> {
                    var blocking = ctx.system().dispatchers().lookup(DispatcherSelector.blocking());
                    uploads.started(new SlotToken(ctx.clusterSecret()), blocking);
                    if (store instanceof S3Store s3) blocking.execute(() -> check(s3, settings.s3()));
                    ctx.system().scheduler().scheduleWithFixedDelay(settings.sweepInterval(),
                            settings.sweepInterval(), () -> sweep(uploads), blocking);
                    return new UploadService(uploads, ctx.router(), context.domain());
                })
                .http(new UploadRoutes(uploads));
    }

    private static UploadStore store(UploadSettings settings) {
        UploadSettings.S3 s3 = settings.s3();
        if (s3 == null) return new FolderStore(settings.folder());
        return new S3Store(new S3Bucket(s3.endpoint(), s3.bucket(), new SigV4(s3.accessKey(), s3.secretKey(),
                s3.region()), s3.timeout()), s3.prefix(), settings.folder());
    }

    /** Says at start whether the bucket answers with these keys, rather than at the first upload. */
    private static void check(S3Store store, UploadSettings.S3 s3) {
        try {
            store.check();
            LOG.info("upload-store-ready store=s3 endpoint={} bucket={} prefix='{}' access-key={}", s3.endpoint(),
                    s3.bucket(), s3.prefix(), s3.accessKey());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("upload-store-failed operation=check store=s3 endpoint={} bucket={}: {}", s3.endpoint(),
                    s3.bucket(), e.getMessage());
        }
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
