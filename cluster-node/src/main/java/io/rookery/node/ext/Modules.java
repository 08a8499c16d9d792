package io.rookery.node.ext;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The modules of a node, wired from {@code rookery.modules}: each entry names a class and whether it is enabled.
 * Built once at start; afterwards read-only and shared by every session and entity of the node.
 */
public final class Modules implements ServerInfo {
    private int sentCopiesMask;
    /** XEPs the core implements itself, outside any module (the README's table lists them too). */
    public static final List<Xep> CORE_XEPS = List.of(new Xep("XEP-0368", "", "direct TLS on port 5223 for clients, 5270 for servers"),
            new Xep("XEP-0440", "1.0.0", "channel-binding types announced (tls-server-end-point) when"
                    + " `rookery.c2s.channel-binding` offers SCRAM -PLUS"),
            new Xep("XEP-0156", "1.1.5", "host-meta on the HTTP listeners (`rookery.http`) naming the BOSH and"
                    + " WebSocket endpoints"),
            new Xep("XEP-0124", "1.11.2", "BOSH on the HTTP listeners (`rookery.http.bosh`)"),
            new Xep("XEP-0206", "1.4", "XMPP over BOSH: the same session as TCP, stream restarts"),
            new Xep("XEP-0114", "1.6", "external components, accept side (`rookery.components`)"),
            new Xep("XEP-0220", "1.0", "server dialback both ways (`rookery.s2s.dialback`)"),
            new Xep("XEP-0185", "1.0", "dialback keys from a cluster-wide secret"));

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Modules.class);
    private static final io.rookery.node.limits.RateLimitedLog HANDLER_FAILURES = new io.rookery.node.limits.RateLimitedLog();
    private final Map<String, XmppModule> modules;
    private final Map<IqKey, IqHandler> iq = new HashMap<>();
    private final Map<IqKey, List<IqFollower>> followers = new HashMap<>();
    private final List<Xep> xeps = new ArrayList<>();
    private final Map<StreamFeature.Step, List<StreamFeature>> streamFeatures = new EnumMap<>(StreamFeature.Step.class);
    private final Map<Discoverable, List<String>> discoFeatures = new EnumMap<>(Discoverable.class);
    private final Map<Discoverable, List<Disco.Identity>> identities = new EnumMap<>(Discoverable.class);
    private final AccountParts parts = new AccountParts();
    private final Map<Hook<?>, List<HookHandler<?>>> hooks = new HashMap<>();
    private final List<Declarations.DeclaredFilter> filters = new ArrayList<>();
    private final List<PartKey<?>> mirroredParts;
    private final java.util.Set<CoreFeature> coreFeatures = java.util.EnumSet.noneOf(CoreFeature.class);
    private final Map<String, StreamExtension> streamExtensions = new java.util.HashMap<>();
    private LoginTokens loginTokens;
    private final List<MessageStamp> stamps = new ArrayList<>();
    private final List<MessageStamp> sentStamps = new ArrayList<>();
    private final List<Declarations.DeclaredService> services = new ArrayList<>();
    private final List<AccountNodes> accountNodes = new ArrayList<>();
    private final List<PresenceStamp> presenceStamps = new ArrayList<>();
    private final List<PartKey<?>> declaredMirrors = new ArrayList<>();
    private volatile AccountProvisioning accounts;
    private volatile StanzaSink router;
    private volatile ServerAdministration admin;
    private final List<DiscoNodes> discoNodes = new ArrayList<>();
    private final List<HttpEndpoint> httpEndpoints = new ArrayList<>();
    private ClientStatePolicy clientState;
    /** Heap stores until the node provides its Cassandra ones (tests never do). */
    private volatile ModuleStores stores = ModuleStores.inMemory();

    /** The modules of {@code rookery.modules}, their metrics in a registry of their own (tests). */
    public static Modules fromConfig(Config root, Clock clock, Instant startedAt) {
        return fromConfig(root, clock, startedAt, new PrometheusRegistry());
    }

    /** The enabled modules of {@code rookery.modules} in {@code root}, in the order of their names. */
    public static Modules fromConfig(Config root, Clock clock, Instant startedAt, PrometheusRegistry metrics) {
        Config all = root.getConfig("rookery.modules");
        Map<String, XmppModule> named = new LinkedHashMap<>();
        java.util.Set<String> off = new java.util.HashSet<>();
        Map<String, Config> sections = new HashMap<>();
        for (String name : new TreeSet<>(all.root().keySet())) {
            // "rookery.modules.<name> = null" removes a module altogether (its stored parts are still kept).
            if (all.root().get(name).valueType() == com.typesafe.config.ConfigValueType.NULL) continue;
            Config section = all.getConfig(quoted(name));
            String className = section.getString("class");
            XmppModule module = instantiate(name, className);
            if (!section.getBoolean("enabled")) off.add(name);
            named.put(name, module);
            sections.put(name, section);
        }
        return new Modules(root.getString("rookery.domain"), named, off, sections, root, clock, startedAt, metrics);
    }

    /** A module's events need their Kryo ids before the first write: a registrar not configured fails the start. */
    private static void checkRegistered(String module, Class<? extends KryoRegistrar> registrar, Config root) {
        if (!root.hasPath("rookery.kryo.registrars")) return;
        java.util.Set<String> configured = new java.util.HashSet<>(root.getStringList("rookery.kryo.registrars"));
        if (root.hasPath("rookery.kryo.module-registrars")) {
            Config extra = root.getConfig("rookery.kryo.module-registrars");
            for (String k : extra.root().keySet()) configured.add(extra.getString(quoted(k)));
        }
        if (!configured.contains(registrar.getName())) {
            throw new ConfigException.BadValue("rookery.kryo.module-registrars", "module '" + module + "' needs "
                    + registrar.getName() + " for its events: add rookery.kryo.module-registrars." + module + " = \""
                    + registrar.getName() + "\"");
        }
    }

    private static String quoted(String key) {
        return "\"" + key + "\"";
    }

    private static XmppModule instantiate(String name, String className) {
        try {
            Object o = Class.forName(className).getDeclaredConstructor().newInstance();
            if (!(o instanceof XmppModule m)) {
                throw new ConfigException.BadValue("rookery.modules." + name + ".class",
                        className + " does not implement " + XmppModule.class.getName());
            }
            return m;
        } catch (ReflectiveOperationException e) {
            throw new ConfigException.BadValue("rookery.modules." + name + ".class",
                    "cannot instantiate " + className + ": " + e, e);
        }
    }

    private Modules(String domain, Map<String, XmppModule> named, java.util.Set<String> off,
            Map<String, Config> sections, Config root, Clock clock, Instant startedAt, PrometheusRegistry metrics) {
        Map<String, XmppModule> enabled = new LinkedHashMap<>();
        for (Map.Entry<String, XmppModule> e : named.entrySet()) {
            Declarations d = new Declarations();
            e.getValue().declare(new ModuleContext(e.getKey(), domain, sections.get(e.getKey()), root, clock,
                    startedAt, this, metrics, this::accounts, this::stores, this::router, this::admin), d);
            for (Declarations.DeclaredPart part : d.accountParts()) {
                parts.add(e.getKey(), part.key(), part.part(), part.events());
            }
            for (Class<? extends KryoRegistrar> r : d.kryoRegistrars()) checkRegistered(e.getKey(), r, root);
            // A module switched off answers and advertises nothing, but the state it keeps in accounts is still
            // applied and snapshotted, so switching it on again finds everything it had stored.
            if (off.contains(e.getKey())) continue;
            enabled.put(e.getKey(), e.getValue());
            d.followers().forEach((key, list) -> followers.computeIfAbsent(key, k -> new ArrayList<>()).addAll(list));
            for (Map.Entry<IqKey, IqHandler> h : d.iqHandlers().entrySet()) {
                if (iq.putIfAbsent(h.getKey(), h.getValue()) != null) {
                    throw new IllegalStateException("module '" + e.getKey() + "' declares " + h.getKey()
                            + ", which another module handles already");
                }
            }
            for (Declarations.DeclaredFilter f : d.filters()) {
                if (d.accountParts().stream().noneMatch(p -> p.key() == f.key())) {
                    throw new IllegalStateException("module '" + e.getKey() + "' filters by " + f.key()
                            + ", which it does not declare");
                }
                filters.add(f);
            }
            accountNodes.addAll(d.accountNodes());
            presenceStamps.addAll(d.presenceStamps());
            for (PartKey<?> key : d.mirrored()) {
                if (d.accountParts().stream().noneMatch(p -> p.key() == key)) {
                    throw new IllegalStateException("module '" + e.getKey() + "' mirrors " + key
                            + ", which it does not declare");
                }
                declaredMirrors.add(key);
            }
            for (Declarations.DeclaredService service : d.services()) {
                if (!service.domain().endsWith("." + domain)) {
                    throw new ConfigException.BadValue("rookery.modules." + e.getKey(), "its service domain "
                            + service.domain() + " is not a subdomain of " + domain);
                }
                if (services.stream().anyMatch(other -> other.domain().equals(service.domain()))) {
                    throw new IllegalStateException("module '" + e.getKey() + "' serves " + service.domain()
                            + ", which another module serves already");
                }
                services.add(service);
            }
            discoNodes.addAll(d.discoNodes());
            httpEndpoints.addAll(d.httpEndpoints());
            coreFeatures.addAll(d.coreFeatures());
            stamps.addAll(d.stamps());
            sentStamps.addAll(d.sentStamps());
            for (StreamExtension x : d.streamExtensions()) {
                if (streamExtensions.putIfAbsent(x.namespace(), x) != null) {
                    throw new IllegalStateException("module '" + e.getKey() + "' extends streams with "
                            + x.namespace() + ", which another module does already");
                }
            }
            if (d.loginTokens() != null) {
                if (loginTokens != null) {
                    throw new IllegalStateException("module '" + e.getKey() + "' keeps login tokens, as another does");
                }
                loginTokens = d.loginTokens();
            }
            if (d.clientState() != null) {
                if (clientState != null) {
                    throw new IllegalStateException("module '" + e.getKey()
                            + "' declares a client state policy, which another module does already");
                }
                clientState = d.clientState();
            }
            // ALL_SENT is every bit set, so one module that wants every sent message makes the union all of them.
            sentCopiesMask |= d.sentWhenOthersHave();
            d.hooks().forEach((hook, handlers) -> hooks.computeIfAbsent(hook, h -> new ArrayList<>()).addAll(handlers));
            xeps.addAll(d.xeps());
            for (StreamFeature f : d.streamFeatures()) {
                streamFeatures.computeIfAbsent(f.step(), s -> new ArrayList<>()).add(f);
            }
            for (Discoverable entity : Discoverable.values()) {
                List<String> features = discoFeatures.computeIfAbsent(entity, x -> new ArrayList<>());
                for (String f : d.discoFeatures(entity)) if (!features.contains(f)) features.add(f);
                identities.computeIfAbsent(entity, x -> new ArrayList<>()).addAll(d.identities(entity));
            }
        }
        for (Discoverable entity : Discoverable.values()) {
            discoFeatures.put(entity, List.copyOf(new TreeSet<>(discoFeatures.get(entity))));
            identities.put(entity, List.copyOf(identities.get(entity)));
        }
        this.modules = Collections.unmodifiableMap(enabled);
        List<PartKey<?>> mirrored = new ArrayList<>(filters.size());
        for (Declarations.DeclaredFilter f : filters) if (!mirrored.contains(f.key())) mirrored.add(f.key());
        for (PartKey<?> key : declaredMirrors) if (!mirrored.contains(key)) mirrored.add(key);
        this.mirroredParts = List.copyOf(mirrored);
    }

    /** Account creation, for the modules that offer it; set by the node once its account service runs. */
    public void provide(AccountProvisioning accounts) {
        this.accounts = accounts;
    }

    /** The node's router, for what modules send once a store read completes; set by the router itself. */
    public void provide(StanzaSink router) {
        this.router = router;
    }

    private StanzaSink router() {
        StanzaSink r = router;
        if (r == null) throw new IllegalStateException("the node's router is not running yet");
        return r;
    }

    /** The server's administration, for the modules that offer it (XEP-0133); set by the node once it runs. */
    public void provide(ServerAdministration admin) {
        this.admin = admin;
    }

    private ServerAdministration admin() {
        ServerAdministration a = admin;
        if (a == null) throw new IllegalStateException("the node's administration is not running yet");
        return a;
    }

    /** The stores modules keep data in; set by the node before any account entity starts. */
    public void provide(ModuleStores stores) {
        this.stores = stores;
    }

    public ModuleStores stores() {
        return stores;
    }

    private AccountProvisioning accounts() {
        AccountProvisioning a = accounts;
        if (a == null) throw new IllegalStateException("the node's account service is not running yet");
        return a;
    }

    /** The parts of account state the modules keep (switched-off ones included). */
    public AccountParts parts() {
        return parts;
    }

    /** The names of the enabled modules. */
    public List<String> names() {
        return List.copyOf(modules.keySet());
    }

    public boolean enabled(String name) {
        return modules.containsKey(name);
    }

    /** Every specification the enabled modules implement, in module order. */
    public List<Xep> xeps() {
        return Collections.unmodifiableList(xeps);
    }

    @Override
    public List<Disco.Identity> identities(Discoverable entity) {
        return identities.get(entity);
    }

    @Override
    public List<String> discoFeatures(Discoverable entity) {
        return discoFeatures.get(entity);
    }

    @Override
    public List<DiscoNodes> discoNodes() {
        return Collections.unmodifiableList(discoNodes);
    }

    /** What the modules serve on the HTTP listeners, in module order. */
    public List<HttpEndpoint> httpEndpoints() {
        return Collections.unmodifiableList(httpEndpoints);
    }

    @Override
    public List<Declarations.DeclaredService> services() {
        return Collections.unmodifiableList(services);
    }

    /** Whether any module rewrites the presence sessions send ({@link PresenceStamp}). */
    public boolean stampsPresence() {
        return !presenceStamps.isEmpty();
    }

    /** The available presence a session sends, as the modules' presence stamps rewrite it. */
    public Element stampPresence(PartLookup sessionParts, Element presence) {
        for (PresenceStamp s : presenceStamps) presence = s.stamp(sessionParts, presence);
        return presence;
    }

    @Override
    public List<AccountNodes> accountNodes() {
        return Collections.unmodifiableList(accountNodes);
    }

    /**
     * The outcome of the module that handles this iq get or set, or null when no module does. The iq has exactly
     * one payload (RFC 6120 §8.2.3, checked by the caller).
     */
    public IqOutcome handle(AddressKind to, Element iq, AccountView account) {
        return handle(to, iq, account, null);
    }

    /** The same for an iq addressed to a stream not yet authenticated, from this connection. */
    public IqOutcome handleStream(Element iq, UnauthenticatedStream stream) {
        return handle(AddressKind.STREAM, iq, null, stream);
    }

    private IqOutcome handle(AddressKind to, Element iq, AccountView account, UnauthenticatedStream stream) {
        IqType type = IqType.of(iq.attr("type"));
        if (type == null || iq.elements().size() != 1) return null;
        Element payload = iq.elements().get(0);
        IqKey key = new IqKey(to, type, payload.name(), payload.namespace());
        IqHandler h = this.iq.get(key);
        if (h == null) return null;
        IqRequest request = new IqRequest(iq, to, account, stream);
        try {
            IqOutcome outcome = h.handle(request);
            List<IqFollower> after = followers.get(key);
            if (after != null) for (IqFollower f : after) outcome = f.follow(request, outcome);
            return outcome;
        } catch (RuntimeException e) {
            // A module's bug answers this iq with internal-server-error; it must not stop the account's entity or
            // the session that runs the handler (and lose what else they hold).
            long lines = HANDLER_FAILURES.event(System.nanoTime());
            if (lines > 0) {
                LOG.error("module-iq-failed payload={{{}}}{} failures-since-last-line={}", key.namespace(),
                        key.name(), lines, e);
            }
            return IqOutcome.error(iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR);
        }
    }

    /**
     * The reply to an iq get or set that needs no account state: the handling module's, or service-unavailable
     * when none handles it (RFC 6120 §8.4).
     */
    public Element answer(AddressKind to, Element iq) {
        return answer(to, iq, null);
    }

    /**
     * The same, for a caller that takes an answer that comes later ({@link IqOutcome#later}): null is returned, and
     * the reply (internal-server-error when the handler failed) is given to {@code later} once it comes, on the
     * thread that completes it.
     */
    public Element answer(AddressKind to, Element iq, java.util.function.Consumer<Element> later) {
        IqOutcome outcome = handle(to, iq, null);
        if (outcome != null && outcome.later() != null && later != null && outcome.persist().isEmpty()) {
            outcome.later().whenComplete((done, failure) -> later.accept(failure != null || done == null
                    || done.reply() == null ? IqOutcome.error(iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR).reply()
                    : done.reply()));
            return null;
        }
        if (outcome != null && (!outcome.persist().isEmpty() || outcome.later() != null)) {
            throw new IllegalStateException("a handler for " + to + " asked to persist or to answer later: "
                    + "only account and stream handlers may");
        }
        return outcome == null ? IqOutcome.error(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE).reply()
                : outcome.reply();
    }

    /**
     * What the enabled modules' filters decide about a stanza addressed to the account from {@code from}: null to
     * deliver it, else the first verdict.
     */
    @SuppressWarnings("unchecked")
    public StanzaFilter.Verdict inbound(AccountView account, Element stanza, Jid from) {
        for (Declarations.DeclaredFilter f : filters) {
            Object part = account.part(f.key());
            if (part == null) continue;
            StanzaFilter.Verdict v = ((StanzaFilter<Object>) f.filter()).inbound(part, account, stanza, from);
            if (v != null) return v;
        }
        return null;
    }

    /** The same for a stanza the user sends to {@code to}, read from the account's parts or a session's copies. */
    @SuppressWarnings("unchecked")
    public StanzaFilter.Verdict outbound(PartLookup parts, Element stanza, Jid to) {
        for (Declarations.DeclaredFilter f : filters) {
            Object part = parts.part(f.key());
            if (part == null) continue;
            StanzaFilter.Verdict v = ((StanzaFilter<Object>) f.filter()).outbound(part, stanza, to);
            if (v != null) return v;
        }
        return null;
    }

    /** A message addressed to the account, as the enabled modules' stamps rewrite it, in module order. */
    public Element stamp(AccountView account, Element message) {
        for (MessageStamp s : stamps) message = s.stamp(account, message);
        return message;
    }

    /**
     * As {@link #stamp}, with the completion of everything the stamps stored of the message (null: nothing), for a
     * sender whose acknowledgement waits until the message is kept (XEP-0198).
     */
    public MessageStamp.Stamped stampStored(AccountView account, Element message) {
        java.util.concurrent.CompletableFuture<?> all = null;
        for (MessageStamp s : stamps) {
            MessageStamp.Stamped stamped = s.stampStored(account, message);
            message = stamped.message();
            if (stamped.stored() != null) {
                java.util.concurrent.CompletableFuture<?> f = stamped.stored().toCompletableFuture();
                all = all == null ? f : java.util.concurrent.CompletableFuture.allOf(all, f);
            }
        }
        return new MessageStamp.Stamped(message, all);
    }

    /** Whether any enabled module stamps messages (the core builds no account view when none does). */
    public boolean stamps() {
        return !stamps.isEmpty();
    }

    /** The user's own copy of a message one of its resources sent, as the enabled modules' sent stamps rewrite it. */
    public Element stampSent(AccountView account, Element message) {
        for (MessageStamp s : sentStamps) message = s.stamp(account, message);
        return message;
    }

    public boolean stampsSent() {
        return !sentStamps.isEmpty();
    }

    /** The enabled module that answers top-level stream elements of this namespace, or null. */
    public StreamExtension streamExtension(String namespace) {
        return streamExtensions.get(namespace);
    }

    /** The enabled module's login tokens (XEP-0484), or null. */
    public LoginTokens loginTokens() {
        return loginTokens;
    }

    /** The enabled module's policy for clients that say they are inactive (XEP-0352), or null. */
    public ClientStatePolicy clientState() {
        return clientState;
    }

    /** Whether an enabled module switched this behaviour of the core on. */
    public boolean enabled(CoreFeature feature) {
        return coreFeatures.contains(feature);
    }

    /** The parts sessions keep a copy of (those an enabled module filters by), in module order. */
    public List<PartKey<?>> mirroredParts() {
        return mirroredParts;
    }

    /**
     * When the account wants the chat messages a resource sends (see {@link Declarations#onSent}): -1 always, 0
     * never, else while another resource has one of these {@link ResourceFlags}.
     */
    public int sentCopiesMask() {
        return sentCopiesMask;
    }

    /** Whether any enabled module handles this hook: the core builds no event for a hook nobody listens to. */
    public boolean hooked(Hook<?> hook) {
        return hooks.containsKey(hook);
    }

    /** Tells every handler of the hook, in module order, and returns what they decided together. */
    @SuppressWarnings("unchecked")
    public <E> HookOutcome run(Hook<E> hook, E event) {
        List<HookHandler<?>> handlers = hooks.get(hook);
        if (handlers == null) return HookOutcome.NONE;
        HookOutcome all = HookOutcome.NONE;
        for (HookHandler<?> h : handlers) all = all.and(((HookHandler<E>) h).on(event));
        return all;
    }

    /** The XML of the features modules offer at this step of this stream, in module order. */
    public String streamFeatures(StreamFeature.Step step, StreamFeature.StreamContext stream) {
        List<StreamFeature> features = streamFeatures.get(step);
        if (features == null) return "";
        StringBuilder xml = new StringBuilder(128);
        for (StreamFeature f : features) {
            String x = f.xml().apply(stream);
            if (x != null) xml.append(x);
        }
        return xml.toString();
    }
}
