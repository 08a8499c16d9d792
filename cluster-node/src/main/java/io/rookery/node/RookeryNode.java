package io.rookery.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.rookery.node.admin.AdminServer;
import io.rookery.node.admin.AdminToken;
import io.rookery.node.c2s.C2sListener;
import io.rookery.node.cluster.ClusterSecrets;
import io.rookery.node.cluster.LostSessions;
import io.rookery.node.cluster.OnlineSessions;
import io.rookery.node.health.NodeHealth;
import io.rookery.node.metrics.MetricsServer;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.c2s.SessionServices;
import io.rookery.node.c2s.Sweeper;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.routing.DeadLetterRescue;
import io.rookery.node.routing.OverloadBounce;
import io.rookery.node.routing.Router;
import io.rookery.node.ext.Modules;
import java.time.Clock;
import java.time.Instant;
import io.rookery.node.tls.DevCertificate;
import io.rookery.node.ext.ModuleStores;
import io.rookery.node.user.AccountDirectory;
import io.rookery.persistence.offline.CassandraOfflineStore;
import io.rookery.node.user.AccountService;
import io.rookery.node.user.UserEntity;
import io.rookery.persistence.cassandra.CassandraLauncher;
import io.rookery.protocol.sasl.SaslMechanisms;
import io.rookery.protocol.tls.TlsContexts;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import io.rookery.node.net.TcpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Rookery node: storage, the actor system with sharded users, client listeners and the admin API. */
public final class RookeryNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RookeryNode.class);

    private final RookerySettings settings;
    private final ActorSystem<Void> system;
    private final CassandraLauncher.Handle cassandra;
    private final CqlSession cql;
    private final Sweeper sweeper;
    private final AccountService accounts;
    private final List<TcpServer.Binding> bindings;
    private final int starttlsPort;
    private final int directTlsPort;
    private final int adminPort;
    private final io.rookery.node.http.HttpListeners.Bound http;
    /** Server-to-server streams; null when rookery.s2s.enabled is off. */
    private io.rookery.node.s2s.Federation federation;
    /** XEP-0114 external components; null when rookery.components.enabled is off. */
    private io.rookery.node.component.Components components;

    private RookeryNode(RookerySettings settings, ActorSystem<Void> system, CassandraLauncher.Handle cassandra,
            CqlSession cql, Sweeper sweeper, AccountService accounts, List<TcpServer.Binding> bindings, int starttlsPort, int directTlsPort,
            int adminPort, io.rookery.node.http.HttpListeners.Bound http) {
        this.http = http;
        this.settings = settings;
        this.system = system;
        this.cassandra = cassandra;
        this.cql = cql;
        this.sweeper = sweeper;
        this.accounts = accounts;
        this.bindings = bindings;
        this.starttlsPort = starttlsPort;
        this.directTlsPort = directTlsPort;
        this.adminPort = adminPort;
    }

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) throws Exception {
        // With two cores or fewer the common pool's parallelism is 1, and CompletableFuture then runs each async
        // callback (Scala's CompletionStage adapter makes every callback async) on a new thread. Two workers avoid
        // that; an explicit -Djava.util.concurrent.ForkJoinPool.common.parallelism still wins.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM,
                    String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
        RookeryNode node;
        try {
            node = start(ConfigFactory.load());
        } catch (Exception e) {
            log.error("node-start-failed", e);
            // Non-daemon threads of a half-started system would keep the JVM alive.
            System.exit(1);
            return;
        }
        node.system.getWhenTerminated().toCompletableFuture().join();
        node.close();
        System.exit(0);
    }

    public static RookeryNode start(Config config) throws Exception {
        RookerySettings s = RookerySettings.from(config);
        io.rookery.node.auth.PlatformLoginSettings platformSettings =
                io.rookery.node.auth.PlatformLoginSettings.from(config);
        // Before anything starts: a misnamed or refused module fails the start at once.
        NodeMetrics metrics = new NodeMetrics();
        Modules modules = Modules.fromConfig(config, Clock.systemUTC(), Instant.now(), metrics.registry());
        Files.createDirectories(s.dataDir());
        CassandraLauncher.Handle cassandra = null;
        List<String> contactPoints = s.cassandra().contactPoints();
        ActorSystem<Void> system = null;
        CqlSession cql = null;
        try {
            if (s.cassandra().embedded()) {
                log.info("cassandra-embedded-starting dataDir={}", s.dataDir().resolve("cassandra"));
                cassandra = CassandraLauncher.start(CassandraLauncher.Options.builder(s.dataDir().resolve("cassandra"))
                        .cqlPort(s.cassandra().embeddedCqlPort())
                        .heapMb(s.cassandra().embeddedHeapMb())
                        .startupTimeout(s.cassandra().embeddedStartupTimeout())
                        .build());
                contactPoints = List.of(cassandra.host() + ":" + cassandra.cqlPort());
            }
            cql = Storage.connect(s.cassandra(), contactPoints);
            if (s.cassandra().applySchema()) {
                Storage.applySchema(cql, s.cassandra());
            }
            SaslMechanisms.useUnknownUserSecret(
                    ClusterSecrets.getOrCreate(cql, s.cassandra().keyspace(), ClusterSecrets.UNKNOWN_USER_SALT));
            Config full = config
                    .withValue("datastax-java-driver.basic.contact-points", ConfigValueFactory.fromIterable(contactPoints))
                    .withValue("pekko.persistence.typed.stash-capacity",
                            ConfigValueFactory.fromAnyRef(s.userStashCapacity()));
            if (!s.cassandra().username().isEmpty()) {
                // The journal and snapshot plugin's own driver session logs in the same way.
                full = full.withValue("datastax-java-driver.advanced.auth-provider", ConfigValueFactory.fromMap(Map.of(
                        "class", "PlainTextAuthProvider",
                        "username", s.cassandra().username(),
                        "password", s.cassandra().password())));
            }
            system = ActorSystem.create(Behaviors.empty(), "rookery", full);
            if (cassandra != null) {
                // On SIGTERM the node's coordinated shutdown must finish its writes before Cassandra stops.
                cassandra.deferShutdownUntil(system.getWhenTerminated(), Duration.ofSeconds(60));
            }
            NodeHealth.get(system).storage(cql);
            int management = startManagement(system, s);
            Cluster cluster = Cluster.get(system);
            if (s.cluster().bootstrap()) {
                ClusterBootstrap.get(system).start();
            } else if (full.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            }

            // Before any account entity starts: offline messages and the like live in Cassandra tables.
            modules.provide(new ModuleStores(new CassandraOfflineStore(cql, s.cassandra().keyspace()),
                    archiveStore(cql, s.cassandra().keyspace(), full), streamOutbox(cql, s.cassandra().keyspace(), full),
                    new io.rookery.persistence.muc.CassandraRoomDirectory(cql, s.cassandra().keyspace()),
                    new io.rookery.persistence.pubsub.CassandraItemStore(cql, s.cassandra().keyspace()),
                    new io.rookery.persistence.pubsub.CassandraNodeDirectory(cql, s.cassandra().keyspace())));
            Router router = new Router(ClusterSharding.get(system), s.domain(), modules);
            AccountDirectory directory = new AccountDirectory(cql, s.cassandra().keyspace());
            UserEntity.init(system, router, directory,
                    UserEntity.Limits.from(config), metrics);
            router.startServices(system, metrics.registry(), modules.services().isEmpty() ? new byte[0]
                    : ClusterSecrets.getOrCreate(cql, s.cassandra().keyspace(), "services-secret"));

            SSLContext ssl = sslContext(s);
            io.rookery.node.s2s.Federation federation = null;
            if (config.getBoolean("rookery.s2s.enabled")) {
                federation = io.rookery.node.s2s.Federation.start(system, config, s.domain(), router, keystore(s),
                        s.tls().keystorePassword().toCharArray(),
                        ClusterSecrets.getOrCreate(cql, s.cassandra().keyspace(), "s2s-dialback-secret"),
                        metrics.registry());
                io.rookery.node.s2s.Federation toClose = federation;
                CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseActorSystemTerminate(),
                        "close-s2s-transport", () -> {
                            toClose.close();
                            return CompletableFuture.completedFuture(Done.getInstance());
                        });
            }
            io.rookery.node.component.Components components = null;
            if (config.getBoolean("rookery.components.enabled")) {
                components = io.rookery.node.component.Components.start(system, config, s.domain(), router,
                        metrics.registry());
                io.rookery.node.component.Components toClose = components;
                CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseActorSystemTerminate(),
                        "close-component-transport", () -> {
                            toClose.close();
                            return CompletableFuture.completedFuture(Done.getInstance());
                        });
            }
            Sweeper sweeper = new Sweeper(s.c2s());
            system.systemActorOf(sweeper.behavior(), "c2s-sweeper", Props.empty());
            Duration flushInterval = s.cluster().onlineSessionsFlush();
            OnlineSessions onlineSessions = new OnlineSessions(cql, s.cassandra().keyspace(),
                    LostSessions.incarnation(cluster.selfMember().uniqueAddress()), metrics,
                    flushLater(system, flushInterval));
            onlineSessions.started();
            // A node that leaves cleanly closed its sessions: it forgets its own record (a crashed one is forgotten
            // by the survivor that cleans up after it).
            CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseClusterExitingDone(),
                    "forget-online-sessions", () -> onlineSessions.forget(onlineSessions.self())
                            .exceptionally(failure -> null)
                            .thenApply(v -> Done.getInstance()));
            system.systemActorOf(LostSessions.create(onlineSessions, router, s.cluster().lostSessionsDelay()), "lost-sessions", Props.empty());
            system.systemActorOf(DeadLetterRescue.create(router), DeadLetterRescue.NAME, Props.empty());
            system.systemActorOf(OverloadBounce.create(router, metrics), "overload-bounce", Props.empty());
            AccountService accounts = new AccountService(system, router, directory, s.scramIterations());
            // Before the listeners open: XEP-0077 registration creates accounts through it.
            modules.provide(accounts);
            // XEP-0133 commands: account changes through the entities, who is online from the session records.
            modules.provide(new io.rookery.node.admin.NodeAdministration(system, accounts, onlineSessions, router));
            // JWT keys and the password callout; a JWK file that cannot be read fails the start here.
            io.rookery.node.auth.PlatformLogins platformLogins =
                    io.rookery.node.auth.PlatformLogins.start(platformSettings, s.domain(), metrics.registry());
            CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseActorSystemTerminate(),
                    "close-platform-logins", () -> {
                        platformLogins.close();
                        return CompletableFuture.completedFuture(Done.getInstance());
                    });
            SessionServices services = new SessionServices(s, router, ssl != null, metrics, onlineSessions,
                    platformLogins);
            C2sListener listener = new C2sListener(system, s.c2s(), ssl, sweeper, services);
            // Last: the sessions have closed their streams by then; whatever is still connected is closed.
            CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseActorSystemTerminate(), "close-c2s-transport",
                    () -> {
                        listener.close();
                        return CompletableFuture.completedFuture(Done.getInstance());
                    });
            List<TcpServer.Binding> bindings = new ArrayList<>();
            if (federation != null) bindings.addAll(federation.bindings());
            if (components != null) bindings.add(components.binding());
            int starttls = -1;
            int direct = -1;
            if (s.c2s().starttls().enabled()) {
                TcpServer.Binding b = listener.bind(s.c2s().starttls(), false);
                bindings.add(b);
                starttls = b.localAddress().getPort();
            }
            if (s.c2s().directTls().enabled() && ssl != null) {
                TcpServer.Binding b = listener.bind(s.c2s().directTls(), true);
                bindings.add(b);
                direct = b.localAddress().getPort();
            }
            // RFC 7395 WebSocket and XEP-0206 BOSH on the HTTP listeners, sessions as on the TCP ones (rookery.http).
            io.rookery.node.http.HttpListeners.Bound http = await(io.rookery.node.http.HttpListeners.start(system,
                    s.http(), s.domain(), ssl, List.of(
                            new io.rookery.node.websocket.WebSocketEndpoint(listener, s.http(),
                                    s.c2s().maxStanzaBytes(), metrics.webSocketListener()).route(),
                            new io.rookery.node.bosh.BoshEndpoint(system, listener, s.http(),
                                    s.c2s().maxStanzaBytes(), metrics.boshListener()).route()),
                    modules.httpEndpoints()).toCompletableFuture());
            NodeHealth.get(system).listenersBound();
            String token = AdminToken.ensure(s.admin().tokenFile());
            var adminBinding = await(AdminServer.start(system, s.admin(), metrics, accounts, token)
                    .toCompletableFuture());
            int admin = adminBinding.localAddress().getPort();
            AdminToken.writePort(s.admin().tokenFile(), admin);
            MetricsServer metricsServer = null;
            if (s.metrics().enabled()) {
                metricsServer = MetricsServer.start(metrics, system, UserEntity.TYPE_KEY, s.metrics());
                MetricsServer toClose = metricsServer;
                CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                        "close-metrics", () -> {
                            toClose.close();
                            return CompletableFuture.completedFuture(Done.getInstance());
                        });
            }
            writePorts(s.dataDir(), starttls, direct, admin, management,
                    cluster.selfMember().address().getPort().orElse(-1),
                    metricsServer == null ? -1 : metricsServer.port(), http, federation,
                    components == null ? -1 : components.port());

            RookeryNode node = new RookeryNode(s, system, cassandra, cql, sweeper, accounts, bindings, starttls, direct, admin,
                    http);
            node.federation = federation;
            node.components = components;
            node.registerShutdown(adminBinding);
            log.info("node-started domain={} c2s-starttls={} c2s-direct-tls={} admin={}:{} data-dir={}", s.domain(),
                    starttls, direct, s.admin().iface(), admin, s.dataDir().toAbsolutePath().normalize());
            return node;
        } catch (Exception | Error e) {
            if (system != null) {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            if (cql != null) cql.close();
            if (cassandra != null) cassandra.stop();
            throw e;
        }
    }

    /** pekko-management (health, membership, Cluster Bootstrap's contact point) when enabled; -1 otherwise. */
    private static io.rookery.node.cluster.OnlineSessionWrites.Scheduler flushLater(ActorSystem<Void> system,
            Duration interval) {
        return flush -> system.scheduler().scheduleOnce(interval, flush, system.executionContext());
    }

    private static int startManagement(ActorSystem<Void> system, RookerySettings s) throws Exception {
        if (!s.managementEnabled() && !s.cluster().bootstrap()) return -1;
        org.apache.pekko.http.javadsl.model.Uri uri =
                await(PekkoManagement.get(system).start().toCompletableFuture());
        log.info("management-started uri={}", uri);
        return uri.port();
    }

    /**
     * The ports this node listens on, as a properties file in the data dir (written last, atomically), so that
     * scripts and tests that asked for port 0 can find the node.
     */
    private static void writePorts(Path dataDir, int starttls, int direct, int admin, int management, int cluster,
            int metrics, io.rookery.node.http.HttpListeners.Bound http, io.rookery.node.s2s.Federation federation,
            int component) throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("c2s.starttls", Integer.toString(starttls));
        p.setProperty("c2s.direct-tls", Integer.toString(direct));
        p.setProperty("admin", Integer.toString(admin));
        p.setProperty("management", Integer.toString(management));
        p.setProperty("cluster", Integer.toString(cluster));
        p.setProperty("metrics", Integer.toString(metrics));
        p.setProperty("http.plain", Integer.toString(http.plainPort()));
        p.setProperty("http.tls", Integer.toString(http.tlsPort()));
        p.setProperty("s2s.starttls", Integer.toString(federation == null ? -1 : federation.starttlsPort()));
        p.setProperty("s2s.direct-tls", Integer.toString(federation == null ? -1 : federation.directTlsPort()));
        p.setProperty("component", Integer.toString(component));
        Path tmp = dataDir.resolve("node.ports.tmp");
        try (var out = Files.newOutputStream(tmp)) {
            p.store(out, "Rookery node ports (-1: not listening)");
        }
        Files.move(tmp, dataDir.resolve("node.ports"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static SSLContext sslContext(RookerySettings s) throws Exception {
        return TlsContexts.serverContext(keystore(s), s.tls().keystorePassword().toCharArray());
    }

    /** rookery.tls.keystore, or the development certificate made for the domain when it is empty. */
    private static Path keystore(RookerySettings s) throws Exception {
        char[] password = s.tls().keystorePassword().toCharArray();
        return s.tls().keystore().isEmpty()
                ? DevCertificate.ensure(s.dataDir(), s.domain(), password)
                : Path.of(s.tls().keystore());
    }

    /** The server-to-server STARTTLS listener's port; -1 when federation or that listener is off. */
    public int s2sPort() {
        return federation == null ? -1 : federation.starttlsPort();
    }

    /** The server-to-server direct TLS (XEP-0368) listener's port; -1 when off. */
    public int s2sDirectTlsPort() {
        return federation == null ? -1 : federation.directTlsPort();
    }

    /** The XEP-0114 component listener's port; -1 when rookery.components.enabled is off. */
    public int componentPort() {
        return components == null ? -1 : components.port();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    private void registerShutdown(org.apache.pekko.http.javadsl.ServerBinding admin) {
        CoordinatedShutdown cs = CoordinatedShutdown.get(system);
        cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "unbind-c2s", () -> {
            List<CompletableFuture<?>> unbinds = new ArrayList<>();
            for (TcpServer.Binding b : bindings) unbinds.add(b.unbind().toCompletableFuture());
            unbinds.add(admin.unbind().toCompletableFuture());
            unbinds.add(http.unbind().toCompletableFuture());
            return CompletableFuture.allOf(unbinds.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
        });
        cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "close-sessions", () -> {
            // Give the sessions told a moment to write the stream error and unbind; with none, go on.
            if (sweeper.shutdownAll() == 0) return CompletableFuture.completedFuture(Done.getInstance());
            CompletableFuture<Done> done = new CompletableFuture<>();
            system.scheduler().scheduleOnce(Duration.ofMillis(500), () -> done.complete(Done.getInstance()),
                    system.executionContext());
            return done;
        });
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public AccountService accounts() {
        return accounts;
    }

    public RookerySettings settings() {
        return settings;
    }

    public int starttlsPort() {
        return starttlsPort;
    }

    public int directTlsPort() {
        return directTlsPort;
    }

    /** The plain HTTP listener's port (rookery.http.plain), -1 when it is not listening. */
    public int httpPlainPort() {
        return http.plainPort();
    }

    /** The HTTPS listener's port (rookery.http.tls), -1 when it is not listening. */
    public int httpTlsPort() {
        return http.tlsPort();
    }

    public int adminPort() {
        return adminPort;
    }

    public InetSocketAddress starttlsAddress() {
        return new InetSocketAddress("127.0.0.1", starttlsPort);
    }

    /** Coordinated shutdown (sessions get system-shutdown), then storage. */
    @Override
    public void close() {
        try {
            CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason())
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("node-shutdown-incomplete error={}", e.toString());
        }
        cql.close();
        if (cassandra != null) cassandra.stop();
    }

    /** XEP-0198 streams resumable after their node died, in Cassandra; rows live as rookery.modules.sm says. */
    private static io.rookery.persistence.sm.CassandraStreamOutbox streamOutbox(
            com.datastax.oss.driver.api.core.CqlSession cql, String keyspace, Config config) {
        io.rookery.node.ext.sm.StreamManagementSettings sm =
                io.rookery.node.ext.sm.StreamManagementSettings.from(config.getConfig("rookery.modules.sm"));
        return new io.rookery.persistence.sm.CassandraStreamOutbox(cql, keyspace, (int) sm.keptFor().toSeconds());
    }

    /** The XEP-0313 archive in Cassandra, its write queue bounded as rookery.modules.mam says. */
    private static io.rookery.persistence.mam.CassandraArchiveStore archiveStore(
            com.datastax.oss.driver.api.core.CqlSession cql, String keyspace, Config config) {
        io.rookery.node.ext.mam.MamSettings mam =
                io.rookery.node.ext.mam.MamSettings.from(config.getConfig("rookery.modules.mam"));
        return new io.rookery.persistence.mam.CassandraArchiveStore(cql, keyspace, mam.maxPendingWrites(),
                mam.maxPendingBytes());
    }
}
