package io.rookery.node.routing;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Modules;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.StanzaRouter;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The stateless classifier between sessions, accounts and services: one table of {@link Kind} (message, presence,
 * iq) by {@link Destination} (the server, an account, a service subdomain, a remote domain), each cell a
 * {@link Route}. A stanza for a local user goes to that user's entity, wherever in the cluster it lives; iq
 * requests to the server are answered by the modules; a service subdomain ({@code conference.}, {@code pubsub.},
 * {@code upload.}) is a route its module registers with {@link #serve}; remote domains go to the route that
 * {@link #routeRemote} sets (server-to-server), and are answered with remote-server-not-found until one does.
 */
public final class Router implements StanzaRouter, io.rookery.node.ext.StanzaSink {
    /** The three stanza kinds (RFC 6120 §8). */
    public enum Kind {
        MESSAGE, PRESENCE, IQ;

        static Kind of(Element stanza) {
            return switch (stanza.name()) {
                case "iq" -> IQ;
                case "presence" -> PRESENCE;
                default -> MESSAGE;
            };
        }
    }

    /** Where an address leads, as this node sees it. */
    public enum Destination {
        /** The served domain itself, or a resource of it (RFC 6120 §10.3.3). */
        SERVER,
        /** A bare or full JID at the served domain: the account's entity (RFC 6121 §8.5). */
        ACCOUNT,
        /** A subdomain a module serves (XEP-0045 rooms, XEP-0060 services...). */
        SERVICE,
        /** Any other domain (RFC 6120 §10.4). */
        REMOTE
    }

    /** Takes a stanza the router classified; 'from' is already stamped. */
    @FunctionalInterface
    public interface Route {
        void deliver(Element stanza, Jid to);
    }

    private final ClusterSharding sharding;
    private final String domain;
    private final Modules modules;
    private final Route[][] table = new Route[Kind.values().length][Destination.values().length];
    private final Map<String, io.rookery.node.ext.Service> services = new ConcurrentHashMap<>();

    public Router(ClusterSharding sharding, String domain, Modules modules) {
        this.sharding = sharding;
        this.domain = domain;
        this.modules = modules;
        modules.provide((io.rookery.node.ext.StanzaSink) this::route);
        Route toAccount = (stanza, to) -> user(to).tell(new UserEntity.Deliver(stanza, to, NodeMetrics.nowMicros()));
        Route remoteUnavailable = (stanza, to) -> bounce(stanza, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
        for (Kind k : Kind.values()) {
            table[k.ordinal()][Destination.ACCOUNT.ordinal()] = toAccount;
            // No server-to-server yet: RFC 6120 §8.3.3.16 remote-server-not-found.
            table[k.ordinal()][Destination.REMOTE.ordinal()] = remoteUnavailable;
            // Addressed to the server (or a server resource) by another entity: requests are answered below.
            table[k.ordinal()][Destination.SERVER.ordinal()] = (stanza, to) -> { };
        }
        table[Kind.IQ.ordinal()][Destination.SERVER.ordinal()] = (stanza, to) -> {
            String type = stanza.attr("type");
            if ("get".equals(type) || "set".equals(type)) {
                Element reply = modules.answer(AddressKind.SERVER, stanza, this::route);
                if (reply != null) route(reply);
            }
        };
    }

    /**
     * Stanzas of every kind to this subdomain of the served domain (for example {@code conference.localhost}) go to
     * the route from now on. Services are registered while the node starts, before its listeners open.
     */
    public void serve(String subdomain, Route route) {
        serve(subdomain, (io.rookery.node.ext.Service) (stanza, to, session) -> route.deliver(stanza, to));
    }

    /**
     * Stanzas of every kind to this domain go to the route from now on, as with {@link #serve(String, Route)}, but the
     * domain need not be a subdomain of the served one: the domains of XEP-0114 external components. Registered while
     * the node starts, before its listeners open.
     */
    public void serveDomain(String hosted, Route route) {
        if (hosted.equals(domain) || services.containsKey(hosted)) {
            throw new IllegalArgumentException(hosted + " is already served by this node");
        }
        services.put(hosted, (io.rookery.node.ext.Service) (stanza, to, session) -> route.deliver(stanza, to));
    }

    /** The same for a module's service, which also learns which local session sent a stanza. */
    public void serve(String subdomain, io.rookery.node.ext.Service service) {
        if (!subdomain.endsWith("." + domain)) {
            throw new IllegalArgumentException(subdomain + " is not a subdomain of " + domain);
        }
        services.put(subdomain, service);
    }

    /**
     * Starts the services the enabled modules declared ({@link io.rookery.node.ext.Declarations#service}) and
     * routes their subdomains to them; called once while the node starts, before its listeners open.
     */
    public void startServices(org.apache.pekko.actor.typed.ActorSystem<?> system,
            io.prometheus.metrics.model.registry.PrometheusRegistry metrics, byte[] clusterSecret) {
        for (io.rookery.node.ext.Declarations.DeclaredService s : modules.services()) {
            serve(s.domain(), s.starter().start(new io.rookery.node.ext.ServiceContext(system, this,
                    modules.stores(), metrics, clusterSecret)));
        }
    }

    /**
     * Stanzas of every kind to other domains go to the route from now on (server-to-server); set while the node
     * starts, before its listeners open.
     */
    public void routeRemote(Route route) {
        for (Kind k : Kind.values()) table[k.ordinal()][Destination.REMOTE.ordinal()] = route;
    }

    @Override
    public Modules modules() {
        return modules;
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public EntityRef<UserEntity.Command> user(Jid jid) {
        return sharding.entityRefFor(UserEntity.TYPE_KEY, UserEntity.entityId(jid.bare()));
    }

    /** Routes by the stanza's own 'to'; stanzas without a usable 'to' are dropped (they came from the server). */
    @Override
    public void route(Element stanza) {
        String to = stanza.attr("to");
        if (to == null) return;
        try {
            route(stanza, Jid.parse(to));
        } catch (InvalidJidException e) {
            // Only server-generated stanzas come here without validation; nothing sensible to answer.
        }
    }

    @Override
    public void route(Element stanza, Jid to) {
        route(stanza, to, null);
    }

    /**
     * As {@link #route(Element, Jid)}, for a stanza a client sent through this session: a service learns the
     * session, and may answer it straight (XEP-0045 rooms deliver to their occupants' sessions).
     */
    public void route(Element stanza, Jid to,
            org.apache.pekko.actor.typed.ActorRef<io.rookery.node.user.SessionProtocol.Message> session) {
        Destination d = classify(to);
        if (d == Destination.SERVICE) {
            services.get(to.domain()).deliver(stanza, to, session);
        } else {
            table[Kind.of(stanza).ordinal()][d.ordinal()].deliver(stanza, to);
        }
    }

    /**
     * A message to an account ({@link #classify} says {@link Destination#ACCOUNT}; the caller has checked) whose
     * sender waits until it is kept (XEP-0198 acknowledgements): the account's entity tells confirmTo
     * {@link io.rookery.node.user.SessionProtocol.Handled} with the token.
     */
    public void routeConfirmed(Element stanza, Jid to,
            org.apache.pekko.actor.typed.ActorRef<io.rookery.node.user.SessionProtocol.Message> confirmTo, long token,
            int attempt) {
        user(to).tell(new UserEntity.Deliver(stanza, to, NodeMetrics.nowMicros(), confirmTo, token, false, attempt));
    }

    /** Which column of the table an address falls in. */
    public Destination classify(Jid to) {
        if (domain.equals(to.domain())) return to.local() == null ? Destination.SERVER : Destination.ACCOUNT;
        return services.containsKey(to.domain()) ? Destination.SERVICE : Destination.REMOTE;
    }

    private void bounce(Element stanza, StanzaErrorCondition condition) {
        String type = stanza.attr("type");
        if ("error".equals(type) || "result".equals(type)) return;
        if ("presence".equals(stanza.name())) return;
        route(Stanzas.errorReply(stanza, StanzaError.of(condition)));
    }
}
