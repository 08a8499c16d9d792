package io.rookery.node.admin;

import io.rookery.node.config.RookerySettings;
import io.rookery.node.http.HttpGuard;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.AccountService;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The admin HTTP API behind the `rookery` CLI. Bound to loopback by default and always authenticated with the
 * bearer token kept in the node's token file. Plain-text bodies: one line per item.
 */
public final class AdminServer extends AllDirectives {
    private final ActorSystem<?> system;
    private final AccountService accounts;
    private final byte[] token;

    private AdminServer(ActorSystem<?> system, AccountService accounts, String token) {
        this.system = system;
        this.accounts = accounts;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Binds the API with the settings' limits (pekko-http: a stalled request holds a connection, not a thread); a
     * request that outlives request-timeout gets 503, counted and logged by an {@link HttpGuard}.
     */
    public static CompletionStage<ServerBinding> start(ActorSystem<?> system, RookerySettings.AdminSettings settings,
            NodeMetrics metrics, AccountService accounts, String token) {
        AdminServer server = new AdminServer(system, accounts, token);
        HttpGuard guard = new HttpGuard("admin", settings.limits(), metrics);
        return Http.get(system).newServerAt(settings.iface(), settings.port())
                .withSettings(guard.serverSettings(system)).bind(guard.route(server::routes));
    }

    Route routes() {
        return headerValueByName("Authorization", this::authorized);
    }

    private Route authorized(String header) {
        byte[] presented = header.startsWith("Bearer ")
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, token)) {
            return complete(StatusCodes.UNAUTHORIZED, "bad token\n");
        }
        return concat(
                path(PathMatchers.segment("cluster").slash("members"), () -> get(() -> complete(
                        HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, clusterMembers())))),
                pathPrefix("users", () -> concat(
                        pathEnd(() -> concat(
                                get(() -> onSuccess(accounts.list(),
                                        names -> complete(String.join("\n", names) + (names.isEmpty() ? "" : "\n")))),
                                post(() -> formFieldMap(form -> withUser(form.get("user"),
                                        jid -> status(() -> accounts.create(jid, require(form, "password")))))))),
                        // Tens of thousands of accounts take longer than the request timeout (within idle-timeout).
                        path("bulk", () -> withRequestTimeout(java.time.Duration.ofMinutes(30),
                                () -> post(() -> formFieldMap(form -> bulk(form))))),
                        pathPrefix(segment -> concat(
                                pathEnd(() -> delete(() -> withUser(segment, jid -> status(() -> accounts.delete(jid))))),
                                path("password", () -> put(() -> formFieldMap(form -> withUser(segment,
                                        jid -> status(() -> accounts.changePassword(jid,
                                                require(form, "password"))))))),
                                path("tokens", () -> delete(() -> withUser(segment,
                                        jid -> status(() -> accounts.revokeTokens(jid))))))))));
    }

    /** This node's view of the cluster, as JSON: its own address, the leader, members with status, unreachable. */
    String clusterMembers() {
        ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
        StringBuilder sb = new StringBuilder(256).append("{\"self\":");
        quote(sb, Cluster.get(system).selfMember().address().toString()).append(",\"leader\":");
        if (state.getLeader() == null) sb.append("null");
        else quote(sb, state.getLeader().toString());
        sb.append(",\"members\":[");
        boolean first = true;
        for (Member m : state.getMembers()) {
            if (!first) sb.append(',');
            first = false;
            quote(sb.append("{\"address\":"), m.address().toString()).append(",\"status\":");
            quote(sb, m.status().toString()).append('}');
        }
        sb.append("],\"unreachable\":[");
        first = true;
        for (Member m : state.getUnreachable()) {
            if (!first) sb.append(',');
            first = false;
            quote(sb, m.address().toString());
        }
        return sb.append("]}\n").toString();
    }

    /** Addresses and statuses hold no quote or backslash; this only frames them. */
    private static StringBuilder quote(StringBuilder sb, String s) {
        return sb.append('"').append(s).append('"');
    }

    private Route bulk(Map<String, String> form) {
        try {
            String pattern = require(form, "pattern");
            int from = Integer.parseInt(form.getOrDefault("from", "1"));
            int count = Integer.parseInt(require(form, "count"));
            int parallelism = Integer.parseInt(form.getOrDefault("parallelism", "256"));
            if (count < 1 || count > 10_000_000 || parallelism < 1 || parallelism > 1024) {
                return complete(StatusCodes.BAD_REQUEST, "count or parallelism out of range\n");
            }
            return onSuccess(accounts.bulkCreate(pattern, from, count, require(form, "password"), parallelism),
                    r -> complete("created " + r.created() + " existing " + r.existing() + " failed " + r.failed()
                            + "\n"));
        } catch (IllegalArgumentException e) {
            return complete(StatusCodes.BAD_REQUEST, e.getMessage() + "\n");
        }
    }

    private static String require(Map<String, String> form, String field) {
        String v = form.get(field);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("missing " + field);
        return v;
    }

    private Route withUser(String username, Function<Jid, Route> inner) {
        if (username == null) return complete(StatusCodes.BAD_REQUEST, "missing user\n");
        try {
            return inner.apply(accounts.jid(username));
        } catch (InvalidJidException e) {
            return complete(StatusCodes.BAD_REQUEST, "invalid user name: " + e.getMessage() + "\n");
        }
    }

    private Route status(Supplier<CompletionStage<UserEntity.AccountStatus>> op) {
        CompletionStage<UserEntity.AccountStatus> stage;
        try {
            stage = op.get();
        } catch (IllegalArgumentException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        CompletionStage<HttpResponse> response = stage.handle((s, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                StatusCode code = cause instanceof IllegalArgumentException ? StatusCodes.BAD_REQUEST
                        : StatusCodes.SERVICE_UNAVAILABLE;
                return HttpResponse.create().withStatus(code).withEntity(cause.getMessage() + "\n");
            }
            StatusCode code = switch (s) {
                case CREATED -> StatusCodes.CREATED;
                case UPDATED, DELETED -> StatusCodes.OK;
                case ALREADY_EXISTS -> StatusCodes.CONFLICT;
                case NOT_FOUND -> StatusCodes.NOT_FOUND;
            };
            return HttpResponse.create().withStatus(code).withEntity(s.name().toLowerCase() + "\n");
        });
        return completeWithFuture(response);
    }
}
