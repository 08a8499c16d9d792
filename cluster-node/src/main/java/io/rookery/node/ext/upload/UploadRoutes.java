package io.rookery.node.ext.upload;

import io.rookery.node.ext.HttpEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.DateTime;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;

/**
 * The upload and download of XEP-0363 slots on the HTTP listeners: {@code PUT /upload/<owner>/<slot>/<name>} with
 * the slot's signed query (§6: refused unless its Content-Length is the size asked for, and its Content-Type the type
 * asked for, when one was), answered 201 once the file is stored; {@code GET} (and HEAD) of the same path by anyone
 * who has the URL. Files are served so that a browser never runs them (nosniff, a Content-Security-Policy that
 * allows nothing), and every answer allows any origin (CORS), for web clients on another host.
 */
final class UploadRoutes implements HttpEndpoint {
    static final String PREFIX = "/upload/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final List<HttpHeader> CORS = List.of(RawHeader.create("Access-Control-Allow-Origin", "*"));
    private static final List<HttpHeader> PREFLIGHT = List.of(RawHeader.create("Access-Control-Allow-Origin", "*"),
            RawHeader.create("Access-Control-Allow-Methods", "GET, HEAD, PUT, OPTIONS"),
            RawHeader.create("Access-Control-Allow-Headers", "Content-Type, Authorization"),
            RawHeader.create("Access-Control-Max-Age", "7200"));
    private static final List<HttpHeader> SERVED = List.of(RawHeader.create("Access-Control-Allow-Origin", "*"),
            RawHeader.create("X-Content-Type-Options", "nosniff"),
            RawHeader.create("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"));

    private final Uploads uploads;

    UploadRoutes(Uploads uploads) {
        this.uploads = uploads;
    }

    @Override
    public Route route(Context context) {
        uploads.served(context.baseUrl());
        Materializer materializer = Materializer.matFromSystem(context.system());
        return Directives.pathPrefix("upload", () -> Directives.pathPrefix(PathMatchers.segment(), owner ->
                Directives.pathPrefix(PathMatchers.segment(), slot -> Directives.path(PathMatchers.segment(), name -> {
                    if (!NAME.matcher(owner).matches() || !NAME.matcher(slot).matches()
                            || !Uploads.safeName(name).equals(name)) {
                        return Directives.complete(StatusCodes.NOT_FOUND, "no such file\n");
                    }
                    return Directives.concat(
                            Directives.options(() -> Directives.complete(HttpResponse.create().addHeaders(PREFLIGHT))),
                            Directives.put(() -> Directives.parameterMap(q ->
                                    put(owner, slot, name, q, materializer))),
                            Directives.get(() -> get(owner, slot, name)));
                }))));
    }

    private Route put(String owner, String slot, String name, Map<String, String> q, Materializer materializer) {
        SlotToken tokens = uploads.tokens();
        long size = number(q.get("size"));
        long expires = number(q.get("expires"));
        String type = q.getOrDefault("type", "");
        if (tokens == null || size < 0 || expires < 0
                || !tokens.validPut(q.get("token"), owner, slot, name, size, type, expires)) {
            return refuse(StatusCodes.FORBIDDEN, "not a slot this service gave\n");
        }
        if (Instant.now().getEpochSecond() > expires) return refuse(StatusCodes.FORBIDDEN, "the slot has expired\n");
        return Directives.withSizeLimit(size, () -> Directives.extractRequestEntity(entity -> {
            java.util.OptionalLong length = entity.getContentLengthOption();
            if (length.isEmpty() || length.getAsLong() != size) {
                return refuse(StatusCodes.BAD_REQUEST, "Content-Length must be the slot's size, " + size + "\n");
            }
            String media = entity.getContentType().mediaType().toString();
            if (!type.isEmpty() && !mediaType(type).equals(media.toLowerCase(Locale.ROOT))) {
                return refuse(StatusCodes.BAD_REQUEST, "Content-Type must be the slot's, " + type + "\n");
            }
            return Directives.completeWithFuture(store(owner, slot, name, size, type.isEmpty() ? media : type,
                    entity, materializer));
        }));
    }

    /**
     * Written to a local temporary file, then stored whole (moved into the folder, or put to the bucket): a GET never
     * sees half a file.
     */
    private CompletionStage<HttpResponse> store(String owner, String slot, String name, long size, String type,
            RequestEntity entity, Materializer materializer) {
        return CompletableFuture.supplyAsync(() -> io(() -> uploads.store.temporary(owner, slot)), uploads.blocking())
                .thenCompose(temp -> entity.getDataBytes().runWith(FileIO.toPath(temp), materializer)
                        .thenApplyAsync(written -> finish(temp, written, owner, slot, name, size, type),
                                uploads.blocking()))
                .exceptionally(failure -> {
                    uploads.files.labelValues("failed").inc();
                    return HttpResponse.create().withStatus(StatusCodes.INTERNAL_SERVER_ERROR).addHeaders(CORS)
                            .withEntity("the file could not be stored\n");
                });
    }

    private HttpResponse finish(Path temp, IOResult written, String owner, String slot, String name, long size,
            String type) {
        return io(() -> {
            if (written.getCount() != size) {
                Files.deleteIfExists(temp);
                uploads.files.labelValues("incomplete").inc();
                return response(StatusCodes.BAD_REQUEST, "the body was not the slot's size\n");
            }
            if (!uploads.store.complete(temp, owner, slot, name, type)) {
                uploads.files.labelValues("conflict").inc();
                return response(StatusCodes.CONFLICT, "the slot has a file already\n");
            }
            uploads.files.labelValues("stored").inc();
            return response(StatusCodes.CREATED, "");
        });
    }

    /**
     * The stored file streamed from the store, with Last-Modified and conditional requests, and byte ranges (cut
     * from the stream here, so a range near the end of an S3 object still reads the bytes before it).
     */
    private Route get(String owner, String slot, String name) {
        return Directives.onSuccess(CompletableFuture.supplyAsync(() -> io(() -> uploads.store.open(owner, slot, name)),
                uploads.blocking()), found -> found == null ? refuse(StatusCodes.NOT_FOUND, "no such file\n")
                : Directives.respondWithHeaders(SERVED, () -> Directives.conditional(
                        DateTime.create(found.written().toEpochMilli()), () -> Directives.withRangeSupport(() ->
                                Directives.complete(HttpResponse.create().withEntity(HttpEntities.create(
                                        contentType(found.contentType()), found.size(), found.data())))))));
    }

    private static ContentType contentType(String stored) {
        if (stored == null || stored.isEmpty()) return ContentTypes.APPLICATION_OCTET_STREAM;
        try {
            return ContentTypes.parse(stored);
        } catch (RuntimeException e) {
            return ContentTypes.APPLICATION_OCTET_STREAM;
        }
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static long number(String s) {
        if (s == null) return -1;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Route refuse(StatusCode status, String text) {
        return Directives.complete(response(status, text));
    }

    private static HttpResponse response(StatusCode status, String text) {
        return HttpResponse.create().withStatus(status).addHeaders(CORS).withEntity(text);
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    private static <T> T io(Io<T> work) {
        try {
            return work.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
