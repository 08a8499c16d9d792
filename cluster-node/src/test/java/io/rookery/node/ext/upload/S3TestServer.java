package io.rookery.node.ext.upload;

import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API server in the test JVM: s3proxy (org.gaul:s3proxy) on a free loopback port, in front of jclouds'
 * in-memory blob store, checking AWS Signature Version 4 with one pair of keys. Its jetty is shaded; its other
 * libraries (jclouds, jackson-dataformat-xml, guava) sit on the test classpath only.
 */
public final class S3TestServer implements AutoCloseable {
    private final BlobStoreContext blobs;
    private final S3Proxy proxy;
    private final URI endpoint;

    private S3TestServer(BlobStoreContext blobs, S3Proxy proxy) {
        this.blobs = blobs;
        this.proxy = proxy;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Started, with these buckets made. */
    public static S3TestServer start(String accessKey, String secretKey, String... buckets) throws Exception {
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient").credentials("unused", "unused")
                .build(BlobStoreContext.class);
        for (String bucket : buckets) blobs.getBlobStore().createContainerInLocation(null, bucket);
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, accessKey, secretKey).build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3TestServer(blobs, proxy);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The blob store behind the server, to put objects that did not come through the store under test. */
    public BlobStore blobStore() {
        return blobs.getBlobStore();
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            blobs.close();
        }
    }
}
