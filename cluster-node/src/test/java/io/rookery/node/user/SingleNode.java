package io.rookery.node.user;

import io.rookery.node.ext.blocking.BlockingModule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.routing.Router;
import io.rookery.node.ext.Modules;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/**
 * A cluster of one in this JVM with user entities on Pekko's in-memory journal and snapshot store, and test probes
 * standing in for client sessions. Every account gets a fresh name, so tests sharing a node do not see each other.
 */
public final class SingleNode implements AutoCloseable {
    static final String DOMAIN = "localhost";

    /** Derived once: PBKDF2 is the slow part of creating an account. */
    public static final List<ScramCredentials> PASSWORD = Accounts.credentialsFor("pw", 4096);

    private static final AtomicInteger NAMES = new AtomicInteger();

    public final ActorTestKit testKit;
    public final Router router;

    private SingleNode(ActorTestKit testKit, Router router) {
        this.testKit = testKit;
        this.router = router;
    }

    public static SingleNode start() {
        return start(ConfigFactory.empty());
    }

    /** A node with these settings (for example a module of the test tree) over the usual ones. */
    public static SingleNode start(Config settings) {
        return start(settings, null);
    }

    /** A second node with these settings that joins the cluster of {@code seed}. */
    public static SingleNode join(Config settings, SingleNode seed) {
        return start(settings, Cluster.get(seed.testKit.system()).selfMember().address());
    }

    private static SingleNode start(Config settings, Address seed) {
        Config config = settings.withFallback(ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.port = 0
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                # Every message goes through its serializer, so a missing Kryo registration fails here, not in a cluster.
                pekko.actor.serialize-messages = on
                pekko.loglevel = WARNING
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                # Generous for a loaded build machine; this bounds waiting, it asserts nothing about speed.
                pekko.actor.testkit.typed.single-expect-default = 10s
                # These tests assert exact stanzas; the archive adds a stanza-id to each message a user gets, so it is
                # on only where a test passes it (the archive's own tests: ext.mam, MamIT).
                rookery.modules.mam.enabled = off
                """))
                .withFallback(PersistenceTestKitPlugin.getInstance().config())
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(ConfigFactory.load());
        ActorTestKit testKit = ActorTestKit.create(config);
        ActorSystem<Void> system = testKit.system();
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(seed == null ? cluster.selfMember().address() : seed));
        testKit.createTestProbe().awaitAssert(Duration.ofSeconds(30), () -> {
            assertEquals(MemberStatus.up(), cluster.selfMember().status());
            return null;
        });
        Router router = new Router(ClusterSharding.get(system), DOMAIN,
                Modules.fromConfig(config, java.time.Clock.systemUTC(), java.time.Instant.now()));
        UserEntity.init(system, router, null, UserEntity.Limits.from(
                        ConfigFactory.parseString("rookery.user.passivate-after = 5m").withFallback(config)),
                new io.rookery.node.metrics.NodeMetrics());
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        router.startServices(system, new io.prometheus.metrics.model.registry.PrometheusRegistry(), secret);
        return new SingleNode(testKit, router);
    }

    @Override
    public void close() {
        testKit.shutdownTestKit();
    }

    /** A bare JID nobody has used yet, with no account behind it. */
    static Jid freshJid(String prefix) {
        return jid(prefix + "-" + NAMES.incrementAndGet() + "@" + DOMAIN);
    }

    static Jid jid(String s) {
        try {
            return Jid.parse(s);
        } catch (InvalidJidException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** The user's full JID with this resource. */
    static Jid full(Jid user, String resource) {
        return jid(user.bare() + "/" + resource);
    }

    /** A new account with {@link #PASSWORD}. */
    public Jid newAccount(String prefix) {
        Jid jid = freshJid(prefix);
        assertEquals(UserEntity.AccountStatus.CREATED, createAccount(jid, PASSWORD));
        return jid;
    }

    UserEntity.AccountStatus createAccount(Jid jid, List<ScramCredentials> credentials) {
        TestProbe<UserEntity.AccountResult> reply = testKit.createTestProbe();
        router.user(jid).tell(new UserEntity.CreateAccount(credentials, reply.getRef()));
        return reply.expectMessageClass(UserEntity.AccountResult.class).status();
    }

    UserEntity.AccountStatus changePassword(Jid jid, List<ScramCredentials> credentials) {
        TestProbe<UserEntity.AccountResult> reply = testKit.createTestProbe();
        router.user(jid).tell(new UserEntity.ChangePassword(credentials, reply.getRef()));
        return reply.expectMessageClass(UserEntity.AccountResult.class).status();
    }

    UserEntity.AccountStatus deleteAccount(Jid jid) {
        TestProbe<UserEntity.AccountResult> reply = testKit.createTestProbe();
        router.user(jid).tell(new UserEntity.DeleteAccount(reply.getRef()));
        return reply.expectMessageClass(UserEntity.AccountResult.class).status();
    }

    UserEntity.CredentialsResult credentials(Jid jid, ScramHash hash) {
        TestProbe<UserEntity.CredentialsResult> reply = testKit.createTestProbe();
        router.user(jid).tell(new UserEntity.GetCredentials(hash, reply.getRef()));
        return reply.expectMessageClass(UserEntity.CredentialsResult.class);
    }

    /** Binds a resource with a fresh probe as its session and checks the entity confirmed it. */
    Session bind(Jid user, String resource) {
        Session session = new Session(full(user, resource), testKit.createTestProbe());
        UserEntity.BindResult answer = bindAnswer(session);
        assertEquals(resource, answer instanceof UserEntity.Bound b ? b.resource() : answer);
        return session;
    }

    UserEntity.BindResult bindAnswer(Session session) {
        TestProbe<UserEntity.BindResult> reply = testKit.createTestProbe();
        router.user(session.jid()).tell(new UserEntity.BindResource(session.jid().resource(), session.probe().getRef(),
                reply.getRef()));
        return reply.expectMessageClass(UserEntity.BindResult.class);
    }

    void unbind(Session session) {
        router.user(session.jid()).tell(new UserEntity.UnbindResource(session.jid().resource(), session.probe().getRef()));
    }

    /**
     * Sends initial presence with a priority from the session, then takes the broadcast off the sender and off the
     * resources that were already available (RFC 6121 §4.2.2), so later expectations start clean.
     */
    void becomeAvailable(Session session, int priority, Session... alreadyAvailable) {
        Element presence = Element.builder("presence", Namespaces.CLIENT)
                .attr("from", session.jid().toString())
                .child(Element.builder("priority", Namespaces.CLIENT).text(Integer.toString(priority)).build())
                .build();
        router.user(session.jid()).tell(new UserEntity.OwnPresence(session.jid().resource(), presence));
        session.expectPresenceFrom(session);
        for (Session other : alreadyAvailable) other.expectPresenceFrom(session);
    }

    /**
     * The subscriber's user subscribes to the contact's presence, pre-approved by the contact (RFC 6121 §3.4); returns
     * once the subscriber's session has seen the contact's session available.
     */
    void subscribe(Session subscriber, Session contact) {
        Jid contactUser = contact.jid().bare();
        Jid subscriberUser = subscriber.jid().bare();
        router.user(contactUser).tell(new UserEntity.OutboundSubscription(Element.builder("presence", Namespaces.CLIENT)
                .attr("from", contact.jid().toString()).attr("to", subscriberUser.toString()).attr("type", "subscribed")
                .build(), subscriberUser));
        router.user(subscriberUser).tell(new UserEntity.OutboundSubscription(Element.builder("presence",
                Namespaces.CLIENT).attr("from", subscriber.jid().toString()).attr("to", contactUser.toString())
                .attr("type", "subscribe").build(), contactUser));
        while (true) {
            Element p = subscriber.nextStanza();
            if ("presence".equals(p.name()) && contact.jid().toString().equals(p.attr("from")) && p.attr("type") == null) {
                return;
            }
        }
    }

    /** Entity ids currently running in this node's user shards. */
    Set<String> runningUserEntities() {
        TestProbe<ShardRegion.CurrentShardRegionState> reply = testKit.createTestProbe();
        ClusterSharding.get(testKit.system()).shardState()
                .tell(new GetShardRegionState(UserEntity.TYPE_KEY, reply.getRef()));
        return reply.expectMessageClass(ShardRegion.CurrentShardRegionState.class).getShards().stream()
                .flatMap(s -> s.getEntityIds().stream())
                .collect(Collectors.toSet());
    }

    /** A session stand-in: the full JID it bound and the probe that receives what the entity sends it. */
    record Session(Jid jid, TestProbe<SessionProtocol.Message> probe) {

        /**
         * The next stanza delivered to this session; fails on anything else (a kick, or nothing at all). Blocklist
         * copies the entity keeps the session up to date with are passed over.
         */
        Element nextStanza() {
            while (true) {
                SessionProtocol.Message m = probe.receiveMessage();
                if (m instanceof SessionProtocol.PartMirrored || m == SessionProtocol.Unbound.INSTANCE
                        || m instanceof SessionProtocol.SentCopies) {
                    continue;
                }
                if (m instanceof SessionProtocol.Deliver d) return d.stanza();
                throw new AssertionError("expected a stanza, got " + m);
            }
        }

        /** The next copy of the blocklist sent to this session, passing over stanzas. */
        MirroredBlocklist nextBlocklist() {
            while (true) {
                SessionProtocol.Message m = probe.receiveMessage();
                if (m instanceof SessionProtocol.PartMirrored p && p.part().equals(BlockingModule.BLOCKLIST.name())) {
                    return new MirroredBlocklist(p.snapshot() == null ? Set.of()
                            : Set.copyOf(((io.rookery.persistence.blocking.Blocklist) p.snapshot()).jids()));
                }
            }
        }

        /** The blocked JIDs a session's copy of the blocklist holds. */
        record MirroredBlocklist(Set<String> jids) {}

        void expectPresenceFrom(Session sender) {
            Element presence = nextStanza();
            assertEquals("presence", presence.name(), presence::toString);
            assertEquals(sender.jid().toString(), presence.attr("from"), presence::toString);
        }

        /** The next stanza is exactly this one: used as a marker to show nothing else was delivered before it. */
        void expectNext(Element stanza) {
            assertEquals(stanza, nextStanza());
        }

        void expectKicked(SessionProtocol.Kick reason) {
            assertEquals(new SessionProtocol.Kicked(reason), probe.expectMessageClass(SessionProtocol.Kicked.class));
        }
    }

    // ---- stanzas --------------------------------------------------------------------------------------------

    static Element message(Jid from, Jid to, String type, String id) {
        Element.Builder b = Element.builder("message", Namespaces.CLIENT)
                .attr("from", from.toString())
                .attr("to", to.toString())
                .attr("id", id);
        if (type != null) b.attr("type", type);
        return b.child(Element.builder("body", Namespaces.CLIENT).text("body of " + id).build()).build();
    }

    static Element chat(Jid from, Jid to, String id) {
        return message(from, to, "chat", id);
    }

    static Element iq(Jid from, Jid to, String type, String id, Element payload) {
        return Element.builder("iq", Namespaces.CLIENT)
                .attr("from", from.toString())
                .attr("to", to.toString())
                .attr("type", type)
                .attr("id", id)
                .child(payload)
                .build();
    }

    /** Checks a stanza is the service-unavailable error reply to the original (RFC 6120 §8.3.1, §8.3.3.19). */
    static void assertServiceUnavailableReplyTo(Element original, Element reply) {
        assertEquals(original.name(), reply.name(), reply::toString);
        assertEquals("error", reply.attr("type"), reply::toString);
        assertEquals(original.attr("id"), reply.attr("id"), reply::toString);
        assertEquals(original.attr("to"), reply.attr("from"), reply::toString);
        assertEquals(original.attr("from"), reply.attr("to"), reply::toString);
        Element error = reply.child("error", Namespaces.CLIENT);
        assertNotNull(error, reply::toString);
        assertEquals("cancel", error.attr("type"), reply::toString);
        assertNotNull(error.child("service-unavailable", Namespaces.STANZAS), reply::toString);
    }
}
