package io.rookery.node.hostmeta;

import io.rookery.node.config.RookerySettings;
import io.rookery.protocol.xep.hostmeta.HostMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * XEP-0156 §3 on the HTTP listeners: {@code /.well-known/host-meta} and {@code host-meta.json} name the BOSH and
 * WebSocket endpoints, so that a web client given only the domain finds it. Its URL is {@code rookery.http.public-url} when set
 * (a proxy in front), else the address the request was made to. Readable from any web page (CORS: {@code *}), as
 * the XEP asks.
 */
public final class HostMetaEndpoint {
    private static final org.apache.pekko.http.javadsl.model.ContentType.NonBinary XRD =
            MediaTypes.applicationWithFixedCharset("xrd+xml", HttpCharsets.UTF_8).toContentType();
    private static final List<org.apache.pekko.http.javadsl.model.HttpHeader> CORS = List.of(
            RawHeader.create("Access-Control-Allow-Origin", "*"));

    private final RookerySettings.HttpSettings settings;

    public HostMetaEndpoint(RookerySettings.HttpSettings settings) {
        this.settings = settings;
    }

    public Route route() {
        return Directives.pathPrefix(".well-known", () -> Directives.get(() -> Directives.extractUri(uri ->
                Directives.concat(
                        Directives.path("host-meta", () -> Directives.complete(HttpResponse.create()
                                .withEntity(HttpEntities.create(XRD, HostMeta.xrd(links(uri)))).addHeaders(CORS))),
                        Directives.path("host-meta.json", () -> Directives.complete(HttpResponse.create()
                                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
                                        HostMeta.json(links(uri)))).addHeaders(CORS)))))));
    }

    /** The endpoints by rel: BOSH's at the public URL or the one asked, the WebSocket's there as ws(s). */
    Map<String, String> links(Uri requested) {
        String base = settings.publicUrl().isEmpty() ? origin(requested.toString()) : settings.publicUrl();
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        Map<String, String> links = new LinkedHashMap<>();
        links.put(HostMeta.BOSH, base + settings.bosh().path());
        links.put(HostMeta.WEBSOCKET, "ws" + base.substring("http".length()) + settings.webSocketPath());
        return links;
    }

    /** scheme://authority of an absolute http(s) URI (IPv6 literals keep their brackets). */
    private static String origin(String uri) {
        int slash = uri.indexOf('/', uri.indexOf("//") + 2);
        return slash < 0 ? uri : uri.substring(0, slash);
    }
}
