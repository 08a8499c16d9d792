package io.rookery.loadtest;

import io.rookery.protocol.sasl.ScramHash;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The command line: {@code --name=value} pairs, each with a default; unknown names are refused. */
final class Options {
    enum TlsMode { OFF, STARTTLS }

    /** What carries the RFC 6120 stream: TCP, WebSocket (RFC 7395) or BOSH (XEP-0124/XEP-0206). */
    enum Transport { TCP, WEBSOCKET, BOSH }

    /** How accounts are made before the scenario: not at all, by XEP-0077 in-band registration, or by a command. */
    enum Create { NONE, IBR, COMMAND }

    enum Scenario {
        LOGIN_STORM, IDLE, CHAT, PRESENCE_CHURN, ROSTER, MUC;

        /** Scenarios whose users have rosters of each other (a {@link ContactRing}). */
        boolean usesContacts() {
            return this == PRESENCE_CHURN || this == ROSTER;
        }

        String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** name, default ("" for none or computed), help. In the order printed by --help. */
    private static final String[][] SPECS = {
        {"scenario", "", "login-storm | idle | chat | presence-churn | roster | muc (required)"},
        {"host", "127.0.0.1", "server address; several separated by commas spread the users over them (user i goes"
                + " to the (i mod n)-th), e.g. the nodes of a cluster"},
        {"port", "5222", "server port (the STARTTLS / plain c2s listener)"},
        {"domain", "localhost", "XMPP domain: the stream's 'to' and the users' domain"},
        {"user", "load%d", "user name pattern; %d is replaced by the user's index"},
        {"first", "1", "index of the first user"},
        {"users", "100", "number of users (sessions), indexes first .. first+users-1"},
        {"password", "secret", "password of every user"},
        {"mechanism", "SCRAM-SHA-256", "SCRAM-SHA-256 | SCRAM-SHA-1 | PLAIN"},
        {"tls", "starttls", "starttls | off (off only against a server that allows SASL without TLS)"},
        {"transport", "tcp", "tcp | websocket | bosh: XMPP over TCP, over WebSocket (RFC 7395) at ws://host:port"
                + "<ws-path>, or over BOSH (XEP-0124, XEP-0206) at http://host:port<bosh-path> (both need --tls=off:"
                + " plain HTTP, such as Rookery's loopback HTTP listener, whose sessions count as under TLS; wss and"
                + " https are not supported). A BOSH session asks for wait 60 and hold 1 and keeps one empty request"
                + " held; it sends on a second HTTP connection, opened when first needed, and refuses --sm"},
        {"ws-path", "/xmpp-websocket", "--transport=websocket: the endpoint's path"},
        {"bosh-path", "/http-bind", "--transport=bosh: the endpoint's path"},
        {"rate", "0", "login-storm: logins started per second; chat: messages per second in total; presence-churn:"
                + " presence changes per second in total; muc: groupchat messages per second over all rooms (0:"
                + " login-storm as fast as --concurrency allows; chat, presence-churn and muc need a rate)"},
        {"duration", "60s", "login-storm: longest time to start logins; idle: how long to hold all sessions; chat,"
                + " presence-churn, muc: how long to send"},
        {"ramp", "0", "idle, chat, presence-churn, roster, muc: connections started per second while logging in (0:"
                + " as fast as --concurrency allows)"},
        {"concurrency", "1000", "most logins (registrations, subscription requests, room joins) in progress at once"},
        {"threads", "", "I/O threads (default: half the cores, 1 to 4)"},
        {"resource", "loadtest", "resource asked for at bind"},
        {"presence", "", "on | off: send initial presence after bind (default: off for login-storm, on otherwise)"},
        {"roster", "off", "login-storm, idle, chat: on | off: fetch the roster after bind, before initial presence, as clients do; a login counts once the roster arrived"},
        {"sm", "off", "idle, chat: on | resume | off: enable XEP-0198 stream management once online (resume: asking"
                + " for resumption, as Smack and Conversations do); the client answers the server's requests and asks"
                + " for an ack after each chat message, whose delay is reported"},
        {"reconnect", "off", "chat with --sm=resume: on | rebind | off: a session the server drops (a node killed)"
                + " connects again to the next --host, resumes its stream (XEP-0198 <resume/>) or, refused, binds"
                + " afresh and sends again what was not acknowledged (rebind: never resumes, always binds afresh);"
                + " the report counts every message by its id (the chaos scenario, loadtest/chaos/run)"},
        {"reconnect-delay", "1s", "with --reconnect=on: a dropped session waits a random time up to this before"
                + " each attempt, as clients back off"},
        {"reconnect-attempts", "20", "with --reconnect=on: attempts after one drop before the session counts as"
                + " dropped for good"},
        {"send-until-file", "", "chat: the send phase also ends as soon as this file exists (a driver that decides"
                + " when, as loadtest/chaos/run does; --duration still bounds it)"},
        {"check-archive", "off", "chat: on | off: once the messages are in, every session online pages through its"
                + " own archive (XEP-0313) and the report counts the messages found there"},
        {"body-size", "0", "chat: extra characters of padding in each message body"},
        {"grace", "10s", "chat, presence-churn, muc: how long to wait for stanzas in flight after sending stops"},
        {"settle", "0s", "chat, muc: how long to wait after the logins (muc: the joins) before sending, so that the"
                + " server's work on them stays out of the latency"},
        {"room-size", "10", "muc: occupants per room (XEP-0045); user i of the run is in room i / room-size"},
        {"rooms", "", "muc: number of rooms; --users must be rooms x room-size (default: users / room-size)"},
        {"muc-service", "", "muc: the group chat service (default: conference.DOMAIN)"},
        {"room-prefix", "loadroom", "muc: rooms are PREFIX1, PREFIX2, ... at the service"},
        {"step-up", "0", "muc: after the measured window, up to this many steps of --step-duration at twice the"
                + " rate before (the first at twice --rate), each drained for up to --grace, until one does not keep"
                + " up; the report gives the highest rate that kept up"},
        {"step-duration", "20s", "muc: how long each step of --step-up sends"},
        {"step-p99", "1s", "muc: a window keeps up only when its fan-out p99 is at most this"},
        {"step-behind", "5", "muc: ... and when at most this percentage of its deliveries is missing after --grace"
                + " (and it sent at least 95% of its offered rate)"},
        {"contacts", "", "presence-churn, roster: roster size K of every user, mutual 'both' subscriptions with"
                + " the K/2 users before and after it (default: 100, at most --users - 1)"},
        {"csi-inactive-every", "0", "presence-churn: every N-th user on the ring says it is inactive (XEP-0352"
                + " <inactive/>) once its login steps are done (1: all, 0: none); the bytes and stanzas inactive and"
                + " active users receive from the churn's start are reported apart, and after --grace the inactive"
                + " ones say <active/> and what that releases is counted too"},
        {"roster-setup", "on", "presence-churn, roster: on | off: establish the subscriptions before measuring (off:"
                + " the accounts already have these rosters)"},
        {"create", "none", "none | ibr | command: create the accounts before the scenario (ibr: XEP-0077 in-band"
                + " registration)"},
        {"create-command", "", "with --create=command: shell command run once before the scenario; {first},"
                + " {users}, {pattern}, {password}, {domain} are replaced by shell-quoted values"},
        {"login-timeout", "30s", "a login not bound by then fails as login-timeout; also bounds each registration,"
                + " each roster and presences step, each room join and configuration, and a roster setup that stops"
                + " making progress"},
        {"timeout", "", "hard limit for the whole run, account creation and roster setup included (default: login"
                + " time at the ramp + duration + grace + 2m, more with --create or a roster setup)"},
        {"progress", "5s", "interval of the progress lines on stderr"},
        {"out", "", "prefix of the result files PREFIX.json and PREFIX.html (default: loadtest-SCENARIO-TIME)"},
        {"scram-cache", "on", "on | off: reuse ClientKey/ServerKey for the same password, salt and iterations"},
    };

    final Scenario scenario;
    final String host;
    final List<String> hosts;
    final int port;
    final String domain;
    final String userPattern;
    final int first;
    final int users;
    final String password;
    final String mechanism;
    final TlsMode tls;
    /** --transport=websocket. */
    final boolean webSocket;
    final String wsPath;
    /** --transport=bosh. */
    final boolean bosh;
    final String boshPath;
    final double rate;
    final Duration duration;
    final double ramp;
    final int concurrency;
    final int threads;
    final String resource;
    final boolean presence;
    final boolean roster;
    final boolean sm;
    /** XEP-0198 with resumption asked for ({@code --sm=resume}). */
    final boolean smResume;
    /** Sessions dropped by the server connect again and resume ({@code --reconnect=on}), or bind afresh (rebind). */
    final boolean reconnect;
    /** {@code --reconnect=rebind}: a session dropped binds afresh, never resuming. */
    final boolean rebindOnly;
    final Duration reconnectDelay;
    final int reconnectAttempts;
    /** chat: the send phase ends early once this file exists; null without. */
    final java.nio.file.Path sendUntilFile;
    /** Every session reads its own archive once the messages are in ({@code --check-archive=on}). */
    final boolean checkArchive;
    final int bodySize;
    final Duration grace;
    final Duration settle;
    final Duration loginTimeout;
    final Duration timeout;
    final Duration progress;
    final String out;
    final boolean scramCache;
    /** presence-churn, roster: the roster size of every user; 0 for the other scenarios. */
    final int contacts;
    final boolean rosterSetup;
    /** presence-churn: every N-th user on the ring is an inactive client (XEP-0352); 0: none. */
    final int csiInactiveEvery;
    /** muc: occupants per room, rooms, the service's domain and the rooms' name prefix; 0 and null otherwise. */
    final int roomSize;
    final int rooms;
    final String mucService;
    final String roomPrefix;
    /** muc: steps of the step-up after the measured window, each stepDuration long; what keeping up means. */
    final int stepUp;
    final Duration stepDuration;
    final Duration stepP99;
    final double stepBehindPercent;
    final Create create;
    final String createCommand;
    private final Map<String, String> effective = new LinkedHashMap<>();

    private Options(Map<String, String> given) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String[] spec : SPECS) v.put(spec[0], given.getOrDefault(spec[0], spec[1]));
        String scenarioName = v.get("scenario");
        if (scenarioName.isEmpty()) throw new IllegalArgumentException("--scenario is required");
        scenario = scenario(scenarioName);
        host = nonEmpty(v, "host");
        hosts = List.of(host.split(",", -1));
        if (hosts.stream().anyMatch(String::isBlank)) throw new IllegalArgumentException("--host has an empty name");
        port = intIn(v, "port", 1, 65_535);
        domain = nonEmpty(v, "domain");
        userPattern = nonEmpty(v, "user");
        if (!userPattern.contains("%d")) throw new IllegalArgumentException("--user must contain %d");
        first = intIn(v, "first", 0, Integer.MAX_VALUE);
        users = intIn(v, "users", 1, 10_000_000);
        if ((long) first + users - 1 > Integer.MAX_VALUE) throw new IllegalArgumentException("--first + --users too big");
        password = v.get("password");
        if (password.isEmpty()) throw new IllegalArgumentException("--password must not be empty");
        mechanism = v.get("mechanism").toUpperCase(Locale.ROOT);
        if (!mechanism.equals("PLAIN") && scramHash() == null) {
            throw new IllegalArgumentException("--mechanism must be SCRAM-SHA-256, SCRAM-SHA-1 or PLAIN: " + mechanism);
        }
        tls = switch (v.get("tls").toLowerCase(Locale.ROOT)) {
            case "starttls" -> TlsMode.STARTTLS;
            case "off" -> TlsMode.OFF;
            default -> throw new IllegalArgumentException("--tls must be starttls or off: " + v.get("tls"));
        };
        Transport transport = switch (v.get("transport").toLowerCase(Locale.ROOT)) {
            case "tcp" -> Transport.TCP;
            case "websocket" -> Transport.WEBSOCKET;
            case "bosh" -> Transport.BOSH;
            default -> throw new IllegalArgumentException("--transport must be tcp, websocket or bosh: "
                    + v.get("transport"));
        };
        webSocket = transport == Transport.WEBSOCKET;
        bosh = transport == Transport.BOSH;
        if (webSocket && tls != TlsMode.OFF) {
            throw new IllegalArgumentException("--transport=websocket needs --tls=off (STARTTLS cannot run in a WebSocket)");
        }
        if (bosh && tls != TlsMode.OFF) {
            throw new IllegalArgumentException("--transport=bosh needs --tls=off (STARTTLS cannot run over BOSH)");
        }
        wsPath = v.get("ws-path");
        if (!wsPath.startsWith("/")) throw new IllegalArgumentException("--ws-path must start with /");
        boshPath = v.get("bosh-path");
        if (!boshPath.startsWith("/")) throw new IllegalArgumentException("--bosh-path must start with /");
        rate = nonNegative(v, "rate");
        if (scenario == Scenario.CHAT && rate <= 0) throw new IllegalArgumentException("chat needs --rate > 0");
        if (scenario == Scenario.PRESENCE_CHURN && rate <= 0) {
            throw new IllegalArgumentException("presence-churn needs --rate > 0");
        }
        if (scenario == Scenario.MUC && rate <= 0) throw new IllegalArgumentException("muc needs --rate > 0");
        duration = duration(v, "duration");
        ramp = nonNegative(v, "ramp");
        concurrency = intIn(v, "concurrency", 1, 10_000_000);
        int cores = Runtime.getRuntime().availableProcessors();
        threads = v.get("threads").isEmpty() ? Math.max(1, Math.min(4, cores / 2)) : intIn(v, "threads", 1, 64);
        resource = nonEmpty(v, "resource");
        presence = v.get("presence").isEmpty() ? scenario != Scenario.LOGIN_STORM : onOff(v, "presence");
        roster = onOff(v, "roster");
        smResume = "resume".equals(v.get("sm"));
        sm = smResume || onOff(v, "sm");
        if (sm && (scenario.usesContacts() || scenario == Scenario.MUC)) {
            throw new IllegalArgumentException("--sm=on counts only chat messages and iq answers: not with "
                    + scenario.cliName());
        }
        if (sm && bosh) {
            // XEP-0198 over BOSH is not driven here: BOSH has its own acknowledgements (XEP-0124 §9).
            throw new IllegalArgumentException("--sm is not supported with --transport=bosh");
        }
        rebindOnly = "rebind".equalsIgnoreCase(v.get("reconnect"));
        reconnect = rebindOnly || onOff(v, "reconnect");
        if (reconnect && (!smResume || scenario != Scenario.CHAT)) {
            throw new IllegalArgumentException("--reconnect=on needs --scenario=chat and --sm=resume");
        }
        reconnectDelay = duration(v, "reconnect-delay");
        reconnectAttempts = intIn(v, "reconnect-attempts", 1, 1000);
        checkArchive = onOff(v, "check-archive");
        sendUntilFile = v.get("send-until-file").isEmpty() ? null : java.nio.file.Path.of(v.get("send-until-file"));
        if (checkArchive && scenario != Scenario.CHAT) throw new IllegalArgumentException("--check-archive needs chat");
        if (scenario == Scenario.PRESENCE_CHURN && !presence) {
            throw new IllegalArgumentException("presence-churn needs --presence=on");
        }
        if (scenario.usesContacts()) {
            if (users < 2) throw new IllegalArgumentException(scenario.cliName() + " needs --users >= 2");
            contacts = v.get("contacts").isEmpty() ? Math.min(100, users - 1) : intIn(v, "contacts", 1, users - 1);
            if (contacts % 2 == 1 && users % 2 == 1) {
                // Mutual contacts make an undirected graph in which every user has K edges: users x K must be even.
                throw new IllegalArgumentException("--contacts must be even when --users is odd");
            }
        } else {
            if (!v.get("contacts").isEmpty()) intIn(v, "contacts", 1, 10_000_000);
            contacts = 0;
        }
        rosterSetup = onOff(v, "roster-setup");
        csiInactiveEvery = intIn(v, "csi-inactive-every", 0, 1_000_000);
        if (csiInactiveEvery > 0 && scenario != Scenario.PRESENCE_CHURN) {
            throw new IllegalArgumentException("--csi-inactive-every needs presence-churn");
        }
        if (scenario == Scenario.MUC) {
            // Each (message, occupant) is one bit of a set keyed by message number x room size: bounded to fit a long.
            roomSize = intIn(v, "room-size", 1, 100_000);
            if (users < roomSize) {
                throw new IllegalArgumentException("muc needs --users >= --room-size (" + users + " < " + roomSize
                        + ")");
            }
            rooms = v.get("rooms").isEmpty() ? users / roomSize : intIn(v, "rooms", 1, users);
            if ((long) rooms * roomSize != users) {
                // Every room gets exactly room-size users: the fan-out of a message is the room size.
                throw new IllegalArgumentException("muc needs --users = --rooms x --room-size: " + users + " users, "
                        + rooms + " rooms of " + roomSize);
            }
            stepUp = intIn(v, "step-up", 0, 20);
            stepDuration = duration(v, "step-duration");
            if (stepDuration.toMillis() < 1000) {
                throw new IllegalArgumentException("--step-duration must be at least 1s");
            }
            stepP99 = duration(v, "step-p99");
            stepBehindPercent = nonNegative(v, "step-behind");
            if (stepBehindPercent > 100) throw new IllegalArgumentException("--step-behind must be a percentage");
            mucService = v.get("muc-service").isEmpty() ? "conference." + domain : v.get("muc-service");
            roomPrefix = nonEmpty(v, "room-prefix");
            for (String s : new String[] {mucService, roomPrefix}) {
                if (s.isBlank() || s.chars().anyMatch(c -> c == '@' || c == '/' || c <= ' ' || c == '\\'
                        || c == '\'' || c == '"' || c == '<' || c == '>' || c == '&')) {
                    throw new IllegalArgumentException("--muc-service and --room-prefix must be plain JID parts: "
                            + s);
                }
            }
        } else {
            roomSize = 0;
            rooms = 0;
            mucService = null;
            roomPrefix = null;
            stepUp = 0;
            stepDuration = Duration.ZERO;
            stepP99 = Duration.ZERO;
            stepBehindPercent = 0;
        }
        create = switch (v.get("create").toLowerCase(Locale.ROOT)) {
            case "none" -> Create.NONE;
            case "ibr" -> Create.IBR;
            case "command" -> Create.COMMAND;
            default -> throw new IllegalArgumentException("--create must be none, ibr or command: " + v.get("create"));
        };
        createCommand = v.get("create-command");
        if (create == Create.COMMAND && createCommand.isBlank()) {
            throw new IllegalArgumentException("--create=command needs --create-command");
        }
        if (create != Create.COMMAND && !createCommand.isEmpty()) {
            throw new IllegalArgumentException("--create-command needs --create=command");
        }
        bodySize = intIn(v, "body-size", 0, 100_000);
        grace = duration(v, "grace");
        settle = duration(v, "settle");
        loginTimeout = duration(v, "login-timeout");
        if (loginTimeout.isZero()) throw new IllegalArgumentException("--login-timeout must be positive");
        progress = duration(v, "progress");
        if (progress.toMillis() < 100) throw new IllegalArgumentException("--progress must be at least 100ms");
        timeout = v.get("timeout").isEmpty() ? defaultTimeout() : duration(v, "timeout");
        out = v.get("out").isEmpty()
                ? "loadtest-" + scenario.cliName() + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                : v.get("out");
        scramCache = onOff(v, "scram-cache");

        effective.put("scenario", scenario.cliName());
        for (String[] spec : SPECS) {
            if (!spec[0].equals("scenario")) effective.put(spec[0], v.get(spec[0]));
        }
        effective.put("threads", Integer.toString(threads));
        effective.put("presence", presence ? "on" : "off");
        effective.put("sm", smResume ? "resume" : sm ? "on" : "off");
        effective.put("timeout", seconds(timeout));
        if (!reconnect) {
            effective.remove("reconnect-delay");
            effective.remove("reconnect-attempts");
        }
        effective.put("out", out);
        effective.put("mechanism", mechanism);
        effective.put("password", "(not recorded)");
        if (scenario.usesContacts()) {
            effective.put("contacts", Integer.toString(contacts));
        } else {
            effective.remove("contacts");
            effective.remove("roster-setup");
        }
        if (scenario != Scenario.PRESENCE_CHURN) effective.remove("csi-inactive-every");
        if (scenario == Scenario.MUC) {
            effective.put("rooms", Integer.toString(rooms));
            effective.put("muc-service", mucService);
        } else {
            for (String k : new String[] {"room-size", "rooms", "muc-service", "room-prefix", "step-up",
                "step-duration", "step-p99", "step-behind"}) {
                effective.remove(k);
            }
        }
        effective.put("create", create.name().toLowerCase(Locale.ROOT));
        if (create != Create.COMMAND) {
            effective.remove("create-command");
        } else {
            effective.put("create-command", createCommand.replace(password, "(password)"));
        }
    }

    /**
     * Parses {@code --name=value} arguments.
     *
     * @throws IllegalArgumentException naming the first bad or unknown argument
     */
    static Options parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 3) throw new IllegalArgumentException("expected --name=value: " + a);
            String name = a.substring(2, eq);
            if (!known(name)) throw new IllegalArgumentException("unknown option --" + name);
            if (given.put(name, a.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("--" + name + " given twice");
            }
        }
        return new Options(given);
    }

    static String help() {
        StringBuilder sb = new StringBuilder("usage: LoadTest --scenario=login-storm|idle|chat|presence-churn|roster"
                + "|muc [--name=value ...]\n");
        for (String[] spec : SPECS) {
            sb.append(String.format("  --%-15s %s", spec[0], spec[2]));
            if (!spec[1].isEmpty()) sb.append(" [").append(spec[1]).append(']');
            sb.append('\n');
        }
        return sb.append("durations: 500ms, 30s, 5m, 1h; a bare number is seconds\n").toString();
    }

    /** The user name of index i: the pattern with %d replaced. */
    String userName(int index) {
        return userPattern.replace("%d", Integer.toString(index));
    }

    /** The SCRAM hash of the mechanism, or null for PLAIN. */
    ScramHash scramHash() {
        return switch (mechanism) {
            case "SCRAM-SHA-1" -> ScramHash.SHA_1;
            case "SCRAM-SHA-256" -> ScramHash.SHA_256;
            default -> null;
        };
    }

    /** Every option with the value in effect, defaults and computed values included, in help order. */
    Map<String, String> effective() {
        return effective;
    }

    /** Whether the run starts with a roster setup round. */
    boolean setsUpRosters() {
        return scenario.usesContacts() && rosterSetup;
    }

    private Duration defaultTimeout() {
        double pace = scenario == Scenario.LOGIN_STORM ? rate : ramp;
        long loginSeconds = pace > 0 ? (long) Math.ceil(users / pace) : 0;
        if (scenario == Scenario.LOGIN_STORM) loginSeconds = Math.min(loginSeconds, duration.toSeconds());
        Duration t = duration.plus(grace).plus(settle).plus(loginTimeout).plusSeconds(loginSeconds + 120);
        // Each extra round: its logins (or registrations) and one login timeout for the stragglers, plus a minute
        // for its own work. A large roster setup can take longer: pass --timeout then.
        if (create != Create.NONE) t = t.plus(loginTimeout).plusSeconds(60);
        if (setsUpRosters()) t = t.plus(loginTimeout).plusSeconds(loginSeconds + 60);
        if (scenario.usesContacts()) t = t.plus(loginTimeout); // the roster and presences steps of the logins
        if (checkArchive) t = t.plus(loginTimeout); // the archive queries
        // The rooms' creation (join, then configuration), then the other joins, each step within a login timeout.
        if (scenario == Scenario.MUC) {
            t = t.plus(loginTimeout.multipliedBy(4)).plusSeconds(60);
            t = t.plus(stepDuration.plus(grace).multipliedBy(stepUp)); // the step-up: each step and its drain
        }
        return t;
    }

    private static boolean known(String name) {
        for (String[] spec : SPECS) {
            if (spec[0].equals(name)) return true;
        }
        return false;
    }

    private static Scenario scenario(String name) {
        for (Scenario s : Scenario.values()) {
            if (s.cliName().equals(name)) return s;
        }
        throw new IllegalArgumentException("--scenario must be login-storm, idle, chat, presence-churn, roster or muc: "
                + name);
    }

    private static String nonEmpty(Map<String, String> v, String name) {
        String s = v.get(name);
        if (s.isEmpty()) throw new IllegalArgumentException("--" + name + " must not be empty");
        return s;
    }

    private static int intIn(Map<String, String> v, String name, int min, int max) {
        try {
            int n = Integer.parseInt(v.get(name));
            if (n < min || n > max) throw new IllegalArgumentException("--" + name + " must be in " + min + ".." + max);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number: " + v.get(name));
        }
    }

    private static double nonNegative(Map<String, String> v, String name) {
        try {
            double d = Double.parseDouble(v.get(name));
            if (!(d >= 0) || Double.isInfinite(d)) throw new IllegalArgumentException("--" + name + " must be >= 0");
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number: " + v.get(name));
        }
    }

    private static boolean onOff(Map<String, String> v, String name) {
        return switch (v.get(name).toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be on or off: " + v.get(name));
        };
    }

    /** 500ms, 30s, 5m, 1h, or a bare number of seconds. */
    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            if (t.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(chop(t)) * 1000));
            if (t.endsWith("m")) return Duration.ofMillis(Math.round(Double.parseDouble(chop(t)) * 60_000));
            if (t.endsWith("h")) return Duration.ofMillis(Math.round(Double.parseDouble(chop(t)) * 3_600_000));
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + s);
        }
    }

    private static String chop(String t) {
        return t.substring(0, t.length() - 1);
    }

    private static Duration duration(Map<String, String> v, String name) {
        Duration d;
        try {
            d = parseDuration(v.get(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
        }
        if (d.isNegative()) throw new IllegalArgumentException("--" + name + " must not be negative");
        return d;
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
