package io.rookery.node.ext;

import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.xep.disco.Disco;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one module declared; filled by {@link XmppModule#declare}, read by the core. */
public final class Declarations {
    private int sentWhenOthersHave;
    private final Map<IqKey, IqHandler> iq = new LinkedHashMap<>();
    private final List<Xep> xeps = new ArrayList<>();
    private final List<StreamFeature> streamFeatures = new ArrayList<>();
    private final Map<Discoverable, List<String>> discoFeatures = new LinkedHashMap<>();
    private final Map<Discoverable, List<Disco.Identity>> identities = new LinkedHashMap<>();
    private final List<DeclaredPart> parts = new ArrayList<>();
    private final Map<Hook<?>, List<HookHandler<?>>> hooks = new LinkedHashMap<>();
    private final List<Class<? extends KryoRegistrar>> registrars = new ArrayList<>();
    private final List<DeclaredFilter> filters = new ArrayList<>();
    private final java.util.Set<CoreFeature> coreFeatures = java.util.EnumSet.noneOf(CoreFeature.class);
    private final List<StreamExtension> streamExtensions = new ArrayList<>();
    private final List<MessageStamp> stamps = new ArrayList<>();
    private final List<MessageStamp> sentStamps = new ArrayList<>();
    private final List<DeclaredService> services = new ArrayList<>();
    private final List<AccountNodes> accountNodes = new ArrayList<>();
    private final Map<IqKey, List<IqFollower>> followers = new LinkedHashMap<>();
    private final List<PartKey<?>> mirrored = new ArrayList<>();
    private final List<PresenceStamp> presenceStamps = new ArrayList<>();
    private final List<DiscoNodes> discoNodes = new ArrayList<>();
    private final List<HttpEndpoint> httpEndpoints = new ArrayList<>();
    private LoginTokens loginTokens;
    private ClientStatePolicy clientState;

    /** A service on a subdomain: its JID (the subdomain), its XEP-0030 name for the server's items, its starter. */
    public record DeclaredService(String domain, String name, ServiceStarter starter) {}

    record DeclaredFilter(PartKey<?> key, StanzaFilter<?> filter) {}

    record DeclaredPart(PartKey<?> key, AccountPart<?> part, List<Class<? extends UserEvent>> events) {}

    /** The module answers iq of this type whose one payload is {@code <name xmlns=namespace/>}, sent to {@code to}. */
    public Declarations iq(AddressKind to, IqType type, String name, String namespace, IqHandler handler) {
        IqKey key = new IqKey(to, type, name, namespace);
        if (iq.putIfAbsent(key, handler) != null) throw new IllegalArgumentException("declared twice: " + key);
        return this;
    }

    /**
     * The module runs a service on this subdomain of the served domain (XEP-0045 rooms on {@code conference.}):
     * every stanza to the subdomain or a JID at it goes to the service the starter returns, and the server lists the
     * subdomain among its XEP-0030 items under this name.
     */
    public Declarations service(String subdomain, String name, ServiceStarter starter) {
        services.add(new DeclaredService(subdomain, name, starter));
        return this;
    }

    List<DeclaredService> services() {
        return services;
    }

    /**
     * After the module that handles iq of this type whose payload is {@code <name xmlns=namespace/>}, sent to
     * {@code to}, this one may add to its outcome ({@link IqFollower}); followers run in module order.
     */
    public Declarations follow(AddressKind to, IqType type, String name, String namespace, IqFollower follower) {
        followers.computeIfAbsent(new IqKey(to, type, name, namespace), k -> new ArrayList<>()).add(follower);
        return this;
    }

    Map<IqKey, List<IqFollower>> followers() {
        return followers;
    }

    /**
     * Each of the account's sessions keeps a copy of this part (declared by this module), refreshed when its events
     * are stored, for the module's {@link PresenceStamp}s. Keep such a part small: every session holds it.
     */
    public Declarations mirror(PartKey<?> key) {
        mirrored.add(key);
        return this;
    }

    List<PartKey<?>> mirrored() {
        return mirrored;
    }

    /** Every available presence the user's sessions send passes through this ({@link PresenceStamp}). */
    public Declarations presenceStamp(PresenceStamp stamp) {
        presenceStamps.add(stamp);
        return this;
    }

    List<PresenceStamp> presenceStamps() {
        return presenceStamps;
    }

    /** The module hosts XEP-0030 nodes at every account: the account's disco#items and disco#info show them. */
    public Declarations accountNodes(AccountNodes nodes) {
        accountNodes.add(nodes);
        return this;
    }

    List<AccountNodes> accountNodes() {
        return accountNodes;
    }

    /** Clients may log in with the tokens this module keeps (XEP-0484); one module per node may. */
    public Declarations loginTokens(LoginTokens tokens) {
        loginTokens = tokens;
        return this;
    }

    LoginTokens loginTokens() {
        return loginTokens;
    }

    /** Paths this module serves on the node's HTTP listeners (XEP-0363 uploads and downloads). */
    public Declarations http(HttpEndpoint endpoint) {
        httpEndpoints.add(endpoint);
        return this;
    }

    List<HttpEndpoint> httpEndpoints() {
        return httpEndpoints;
    }

    public Declarations implementsXep(Xep xep) {
        xeps.add(xep);
        return this;
    }

    public Declarations streamFeature(StreamFeature feature) {
        streamFeatures.add(feature);
        return this;
    }

    /** A XEP-0030 feature of the server or of every account. */
    public Declarations discoFeature(Discoverable entity, String var) {
        discoFeatures.computeIfAbsent(entity, e -> new ArrayList<>()).add(var);
        return this;
    }

    /** XEP-0030 nodes of the server this module answers disco#info and disco#items for (XEP-0050 commands). */
    public Declarations discoNodes(DiscoNodes nodes) {
        discoNodes.add(nodes);
        return this;
    }

    List<DiscoNodes> discoNodes() {
        return discoNodes;
    }

    public Declarations identity(Discoverable entity, Disco.Identity identity) {
        identities.computeIfAbsent(entity, e -> new ArrayList<>()).add(identity);
        return this;
    }

    /**
     * The module keeps state in each account: these events (persisted by its handlers) change it, and it is written
     * into the user's snapshot. Kept even while the module is switched off, so nothing it stored is lost.
     */
    public <S> Declarations accountPart(PartKey<S> key, AccountPart<S> part, List<Class<? extends UserEvent>> events) {
        parts.add(new DeclaredPart(key, part, List.copyOf(events)));
        return this;
    }

    /**
     * Stanzas to and from the account pass this filter while the part (declared by this module) holds something.
     * The part is then also kept, as a copy, by each of the account's sessions, which filter what their clients send.
     */
    public <S> Declarations filter(PartKey<S> key, StanzaFilter<S> filter) {
        filters.add(new DeclaredFilter(key, filter));
        return this;
    }

    /** The module takes part in each client stream that sends it an element of its namespace. */
    public Declarations streamExtension(StreamExtension extension) {
        streamExtensions.add(extension);
        return this;
    }

    /** Messages addressed to the account pass through this before they are delivered or stored. */
    public Declarations stamp(MessageStamp stamp) {
        stamps.add(stamp);
        return this;
    }

    List<MessageStamp> stamps() {
        return stamps;
    }

    /**
     * Every chat or normal message the user's resources send passes through this in the user's entity, before the
     * {@link Hook#STANZA_SENT} handlers see it (the user's own copy: what the contact gets is not changed). Like
     * {@link #on} for that hook, it makes every sent message cost a hop to the sender's entity.
     */
    public Declarations stampSent(MessageStamp stamp) {
        sentStamps.add(stamp);
        sentWhenOthersHave = ALL_SENT;
        return this;
    }

    List<MessageStamp> sentStamps() {
        return sentStamps;
    }

    /**
     * The module decides when stanzas reach a client that says it is inactive (XEP-0352): see
     * {@link ClientStatePolicy}. One per module, and one among the enabled modules.
     */
    public Declarations clientState(ClientStatePolicy policy) {
        if (clientState != null) throw new IllegalArgumentException("a client state policy is declared already");
        clientState = policy;
        return this;
    }

    ClientStatePolicy clientState() {
        return clientState;
    }

    List<StreamExtension> streamExtensions() {
        return streamExtensions;
    }

    /** Switches on one of the core's optional behaviours while this module is enabled. */
    public Declarations enables(CoreFeature feature) {
        coreFeatures.add(feature);
        return this;
    }

    java.util.Set<CoreFeature> coreFeatures() {
        return coreFeatures;
    }

    List<DeclaredFilter> filters() {
        return filters;
    }

    /**
     * The registrar that gives the module's events (and snapshot parts) their Kryo ids. It must be listed in
     * {@code rookery.kryo.registrars} or {@code rookery.kryo.module-registrars}: the node refuses to start otherwise,
     * rather than fail on the first write.
     */
    public Declarations kryoRegistrar(Class<? extends KryoRegistrar> registrar) {
        registrars.add(registrar);
        return this;
    }

    List<Class<? extends KryoRegistrar>> kryoRegistrars() {
        return registrars;
    }

    /** The module is told of every event of this hook. */
    public <E> Declarations on(Hook<E> hook, HookHandler<E> handler) {
        hooks.computeIfAbsent(hook, h -> new ArrayList<>()).add(handler);
        if (hook == Hook.STANZA_SENT) sentWhenOthersHave = ALL_SENT;
        return this;
    }

    /**
     * The module is told of the messages a resource sends ({@link Hook#STANZA_SENT}) only while another resource of
     * the account has one of these {@link ResourceFlags} (XEP-0280 sent carbons: {@link ResourceFlags#CARBONS}).
     * Otherwise the sessions do not tell the account of their messages at all: a hop less per message.
     */
    public Declarations onSent(int otherResourceFlags, HookHandler<Hook.StanzaSent> handler) {
        hooks.computeIfAbsent(Hook.STANZA_SENT, h -> new ArrayList<>()).add(handler);
        sentWhenOthersHave |= otherResourceFlags;
        return this;
    }

    /** Every sent message is wanted (a module declared STANZA_SENT with {@link #on}); every bit set, so a union stays it. */
    static final int ALL_SENT = -1;

    /** The other resources' flags for which sent messages are wanted, {@link #ALL_SENT}, or 0 for none. */
    int sentWhenOthersHave() {
        return sentWhenOthersHave;
    }

    Map<Hook<?>, List<HookHandler<?>>> hooks() {
        return hooks;
    }

    List<DeclaredPart> accountParts() {
        return parts;
    }

    Map<IqKey, IqHandler> iqHandlers() {
        return iq;
    }

    List<Xep> xeps() {
        return xeps;
    }

    List<StreamFeature> streamFeatures() {
        return streamFeatures;
    }

    List<String> discoFeatures(Discoverable entity) {
        return discoFeatures.getOrDefault(entity, List.of());
    }

    List<Disco.Identity> identities(Discoverable entity) {
        return identities.getOrDefault(entity, List.of());
    }
}
