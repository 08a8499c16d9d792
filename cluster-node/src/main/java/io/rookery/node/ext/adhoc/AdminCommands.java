package io.rookery.node.ext.adhoc;

import io.rookery.node.ext.AccountProvisioning;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.ServerAdministration;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.adhoc.AdHoc;
import io.rookery.protocol.xep.adhoc.AdminForm;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XEP-0133 commands of the server and the XEP-0050 dialogue around them: who may see and run them, the form of
 * each (one stage: the form, then its submission, which completes), and what a submission does. Every command is
 * also completed by a first request that already carries its filled-in form. Returns what to answer; sends nothing
 * itself, so it is tested without a node.
 */
final class AdminCommands {
    private static final Logger LOG = LoggerFactory.getLogger(AdminCommands.class);
    static final String PREFIX = AdminForm.FORM_TYPE + "#";
    private static final List<AdminForm.Field> JIDS = List.of(
            AdminForm.Field.ask("accountjids", "jid-multi", "The Jabber ID(s)", true));

    /** What a submission did: notes and an optional result form, or an error to answer instead. */
    record Result(List<AdHoc.Note> notes, Element form, StanzaErrorCondition error, String errorText) {
        static Result done(String note) {
            return new Result(List.of(AdHoc.Note.info(note)), null, null, null);
        }

        static Result error(StanzaErrorCondition condition, String text) {
            return new Result(List.of(), null, condition, text);
        }
    }

    /** A command: its name (a disco item's), its form (null: it needs none) and what its submission does. */
    private record Command(String name, Element form, Run run) {}

    @FunctionalInterface
    private interface Run {
        CompletionStage<Result> run(Map<String, List<String>> fields, Jid admin);
    }

    private final String domain;
    private final AdHocSettings settings;
    private final SessionIds sessions;
    private final Supplier<AccountProvisioning> accounts;
    private final Supplier<ServerAdministration> admin;
    private final Outcomes outcomes;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    /** One announcement at a time on this node: each reads every session record of the cluster. */
    private final AtomicBoolean announcing = new AtomicBoolean();

    /** Counts each finished command by node and outcome (completed, failed, refused). */
    @FunctionalInterface
    interface Outcomes {
        void count(String node, String outcome);
    }

    AdminCommands(String domain, AdHocSettings settings, SessionIds sessions, Supplier<AccountProvisioning> accounts,
            Supplier<ServerAdministration> admin, Outcomes outcomes) {
        this.domain = domain;
        this.settings = settings;
        this.sessions = sessions;
        this.accounts = accounts;
        this.admin = admin;
        this.outcomes = outcomes;
        add("add-user", "Add User", AdminForm.form("Adding a User", "Fill out this form to add a user.", List.of(
                AdminForm.Field.ask("accountjid", "jid-single", "The Jabber ID for the account to be added", true),
                AdminForm.Field.ask("password", "text-private", "The password for this account", true),
                AdminForm.Field.ask("password-verify", "text-private", "Retype password", false))), this::addUser);
        add("delete-user", "Delete User", AdminForm.form("Deleting a User", "Fill out this form to delete a user.",
                JIDS), (f, a) -> eachAccount(f, a, "deleted", local -> admin.get().delete(local)));
        add("disable-user", "Disable User", AdminForm.form("Disabling a User",
                "Fill out this form to disable a user.", JIDS),
                (f, a) -> eachAccount(f, a, "disabled", local -> admin.get().setDisabled(local, true)));
        add("reenable-user", "Re-Enable User", AdminForm.form("Re-Enable a User",
                "Fill out this form to re-enable a user.", JIDS),
                (f, a) -> eachAccount(f, a, "re-enabled", local -> admin.get().setDisabled(local, false)));
        add("change-user-password", "Change User Password", AdminForm.form("Changing a User Password",
                "Fill out this form to change a user's password.", List.of(
                        AdminForm.Field.ask("accountjid", "jid-single", "The Jabber ID for this account", true),
                        AdminForm.Field.ask("password", "text-private", "The password for this account", true))),
                this::changePassword);
        add("get-registered-users-num", "Get Number of Registered Users", null, (f, a) -> admin.get()
                .registeredUsers().thenApply(n -> n < 0 ? Result.error(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED,
                        "this node keeps no account index") : new Result(List.of(), AdminForm.result(List.of(
                                AdminForm.Field.value("registeredusersnum", "The number of registered users",
                                        Long.toString(n)))), null, null)));
        add("get-online-users-num", "Get Number of Online Users", null, (f, a) -> admin.get().onlineUsers()
                .thenApply(n -> new Result(List.of(AdHoc.Note.info("Users with at least one session on any node of"
                        + " the cluster, as the nodes last recorded them (within a second or so).")),
                        AdminForm.result(List.of(AdminForm.Field.value("onlineusersnum",
                                "The number of online users", Long.toString(n)))), null, null)));
        add("announce", "Send Announcement to Online Users", AdminForm.form("Making an Announcement",
                "Fill out this form to make an announcement to all online users of this service.", List.of(
                        AdminForm.Field.ask("announcement", "text-multi", "Announcement", true))), this::announce);
    }

    private void add(String name, String label, Element form, Run run) {
        commands.put(PREFIX + name, new Command(label, form, run));
    }

    boolean mayRun(String requester) {
        return requester != null && settings.admins().contains(bare(requester));
    }

    private static Jid bare(String jid) {
        try {
            return Jid.parse(jid).bare();
        } catch (InvalidJidException e) {
            return null;
        }
    }

    // ---- XEP-0030 ---------------------------------------------------------------------------------------------

    /** §2.2: the command list, only what the requester may run (nothing for everyone else). */
    IqOutcome items(IqRequest r, String node) {
        if (!AdHoc.NODE.equals(node)) return null;
        List<Disco.Item> items = new ArrayList<>();
        if (mayRun(r.iq().attr("from"))) {
            commands.forEach((n, c) -> items.add(new Disco.Item(domain, n, c.name())));
        }
        return IqOutcome.result(r.iq(), Disco.items(node, items));
    }

    /** §2.2: the list's identity, and each command's, with the features a command node must show. */
    IqOutcome info(IqRequest r, String node) {
        if (AdHoc.NODE.equals(node)) {
            return IqOutcome.result(r.iq(), Disco.info(node,
                    List.of(new Disco.Identity("automation", "command-list", "Commands")), List.of()));
        }
        Command c = commands.get(node);
        if (c == null) return null;
        // §2.2: a command the requester may not run is answered forbidden.
        if (!mayRun(r.iq().attr("from"))) return IqOutcome.error(r.iq(), StanzaErrorCondition.FORBIDDEN);
        return IqOutcome.result(r.iq(), Disco.info(node,
                List.of(new Disco.Identity("automation", "command-node", c.name())), List.of(AdHoc.NS, DataForm.NS)));
    }

    // ---- XEP-0050 execution -----------------------------------------------------------------------------------

    IqOutcome execute(IqRequest r) {
        Element iq = r.iq();
        String requester = iq.attr("from");
        String nodeAttr = r.payload().attr("node");
        if (!mayRun(requester)) {
            // XEP-0133 §5: only service administrators; the rest learn nothing more.
            count(nodeAttr, "refused");
            return IqOutcome.reply(AdHoc.errorReply(iq, StanzaErrorCondition.FORBIDDEN, null));
        }
        AdHoc.Request request;
        try {
            request = AdHoc.parse(r.payload());
        } catch (AdHoc.Malformed e) {
            return IqOutcome.reply(AdHoc.errorReply(iq, e.failure, e.getMessage()));
        }
        String node = request.node();
        Command command = commands.get(node);
        if (command == null) {
            return IqOutcome.reply(AdHoc.errorReply(iq, StanzaErrorCondition.ITEM_NOT_FOUND, "no such command"));
        }
        AdHoc.Action action = request.action();
        String sessionId = request.sessionId();
        if (sessionId == null) {
            if (action != AdHoc.Action.EXECUTE && action != AdHoc.Action.COMPLETE) {
                return IqOutcome.reply(AdHoc.errorReply(iq, AdHoc.Failure.BAD_SESSIONID,
                        "this action continues a session: give its sessionid"));
            }
            sessionId = sessions.issue(node, requester);
            if (command.form() != null && request.form() == null) {
                return IqOutcome.result(iq, AdHoc.form(node, sessionId, command.form()));
            }
        } else {
            switch (sessions.check(sessionId, node, requester)) {
                case UNKNOWN -> {
                    return IqOutcome.reply(AdHoc.errorReply(iq, AdHoc.Failure.BAD_SESSIONID,
                            "no session of this command and requester has this id"));
                }
                case EXPIRED -> {
                    return IqOutcome.reply(AdHoc.errorReply(iq, AdHoc.Failure.SESSION_EXPIRED,
                            "the session timed out: execute the command again"));
                }
                default -> { }
            }
            if (action == AdHoc.Action.CANCEL) return IqOutcome.result(iq, AdHoc.canceled(node, sessionId));
            if (action == AdHoc.Action.PREV || action == AdHoc.Action.NEXT) {
                // Every command here has one stage: only complete (and execute, its equivalent) is allowed.
                return IqOutcome.reply(AdHoc.errorReply(iq, AdHoc.Failure.BAD_ACTION, "the only stage: complete it"));
            }
            if (command.form() != null && request.form() == null) {
                return IqOutcome.reply(AdHoc.errorReply(iq, AdHoc.Failure.BAD_PAYLOAD, "submit the form"));
            }
        }
        Map<String, List<String>> fields = request.fields();
        if (!AdminForm.isAdminForm(fields)) {
            return IqOutcome.reply(AdHoc.errorReply(iq, AdHoc.Failure.BAD_PAYLOAD,
                    "FORM_TYPE must be " + AdminForm.FORM_TYPE));
        }
        Jid admin = bare(requester);
        CompletionStage<Result> done;
        try {
            done = command.run().run(fields, admin);
        } catch (IllegalArgumentException e) {
            done = CompletableFuture.completedFuture(Result.error(StanzaErrorCondition.NOT_ACCEPTABLE, e.getMessage()));
        }
        String id = sessionId;
        return IqOutcome.later(done.handle((result, failure) -> {
            if (failure != null) {
                LOG.warn("adhoc-command-failed node={} admin={} error={}", node, admin, failure.toString());
                count(node, "failed");
                return IqOutcome.reply(AdHoc.errorReply(iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null));
            }
            if (result.error() != null) {
                count(node, "failed");
                return IqOutcome.reply(AdHoc.errorReply(iq, result.error(), result.errorText()));
            }
            count(node, result.notes().stream().anyMatch(n -> n.type() == AdHoc.NoteType.ERROR) ? "failed"
                    : "completed");
            return IqOutcome.result(iq, AdHoc.completed(node, id, result.notes(), result.form()));
        }));
    }

    private void count(String node, String outcome) {
        // Label values only from the fixed set of commands: a requester's made-up node is "other".
        outcomes.count(node != null && commands.containsKey(node) ? node.substring(PREFIX.length()) : "other",
                outcome);
    }

    // ---- the commands -----------------------------------------------------------------------------------------

    /** The local part of a JID of this domain; IllegalArgumentException (not-acceptable) otherwise. */
    private String localpart(String jid) {
        try {
            Jid j = Jid.parse(jid);
            if (j.local() == null || j.resource() != null || !domain.equals(j.domain())) {
                throw new IllegalArgumentException(jid + " is not the bare JID of an account of " + domain);
            }
            return j.local();
        } catch (InvalidJidException e) {
            throw new IllegalArgumentException(jid + " is not a JID: " + e.getMessage());
        }
    }

    private static String required(Map<String, List<String>> fields, String var) {
        String v = AdminForm.single(fields, var);
        if (v == null) throw new IllegalArgumentException("the field " + var + " is required");
        return v;
    }

    /** A password as submitted (not trimmed: spaces may be part of it). */
    private static String password(Map<String, List<String>> fields, String var) {
        List<String> values = fields.get(var);
        String v = values == null || values.isEmpty() ? null : values.get(0);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("the field " + var + " is required");
        return v;
    }

    private CompletionStage<Result> addUser(Map<String, List<String>> fields, Jid admin) {
        String jid = required(fields, "accountjid");
        String local = localpart(jid);
        String password = password(fields, "password");
        List<String> verify = fields.get("password-verify");
        if (verify != null && !verify.isEmpty() && !password.equals(verify.get(0))) {
            throw new IllegalArgumentException("the passwords differ");
        }
        return accounts.get().create(local, password).thenApply(created -> {
            if (created == AccountProvisioning.Created.ALREADY_EXISTS) {
                // XEP-0133 §6: "a user already exists with that username".
                return Result.error(StanzaErrorCondition.CONFLICT, jid + " exists already");
            }
            LOG.info("adhoc-user-added account={} admin={}", jid, admin);
            return Result.done(jid + " was added");
        });
    }

    private CompletionStage<Result> changePassword(Map<String, List<String>> fields, Jid admin) {
        String jid = required(fields, "accountjid");
        String local = localpart(jid);
        return admin().changePassword(local, password(fields, "password")).thenApply(changed -> {
            if (changed == ServerAdministration.Changed.NOT_FOUND) {
                return Result.error(StanzaErrorCondition.ITEM_NOT_FOUND, "no account " + jid);
            }
            LOG.info("adhoc-password-changed account={} admin={}", jid, admin);
            return Result.done("the password of " + jid + " was changed");
        });
    }

    private ServerAdministration admin() {
        return admin.get();
    }

    /**
     * The same change to each account of the submitted list, one after the other; the command completes with one
     * note per account (an error note for each that could not be changed, as XEP-0050 §4.4 asks of a command that
     * completes but fails).
     */
    private CompletionStage<Result> eachAccount(Map<String, List<String>> fields, Jid admin, String verb,
            java.util.function.Function<String, CompletionStage<ServerAdministration.Changed>> change) {
        List<String> jids = AdminForm.multi(fields, "accountjids");
        if (jids.isEmpty()) throw new IllegalArgumentException("the field accountjids is required");
        if (jids.size() > 100) throw new IllegalArgumentException("at most 100 accounts at once");
        List<String> locals = new ArrayList<>(jids.size());
        for (String j : jids) locals.add(localpart(j));
        List<AdHoc.Note> notes = new ArrayList<>();
        CompletionStage<Void> all = CompletableFuture.completedFuture(null);
        for (int i = 0; i < jids.size(); i++) {
            String jid = jids.get(i);
            String local = locals.get(i);
            all = all.thenCompose(v -> change.apply(local).thenAccept(changed -> {
                switch (changed) {
                    case DONE -> {
                        LOG.info("adhoc-account-{} account={} admin={}", verb, jid, admin);
                        notes.add(AdHoc.Note.info(jid + " was " + verb));
                    }
                    case UNCHANGED -> notes.add(AdHoc.Note.info(jid + " was " + verb + " already"));
                    case NOT_FOUND -> notes.add(AdHoc.Note.error("no account " + jid));
                }
            }));
        }
        return all.thenApply(v -> new Result(List.copyOf(notes), null, null, null));
    }

    private CompletionStage<Result> announce(Map<String, List<String>> fields, Jid admin) {
        List<String> lines = fields.get("announcement");
        String text = lines == null ? "" : String.join("\n", lines).strip();
        if (text.isEmpty()) throw new IllegalArgumentException("the field announcement is required");
        if (text.length() > settings.maxAnnouncementLength()) {
            throw new IllegalArgumentException("the announcement is longer than " + settings.maxAnnouncementLength()
                    + " characters");
        }
        if (!announcing.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(Result.error(StanzaErrorCondition.RESOURCE_CONSTRAINT,
                    "another announcement is being sent: try again when it is done"));
        }
        // A headline (RFC 6121 §5.2.2): shown now, neither stored offline nor archived for sessions that are gone.
        Element message = Element.builder("message", Namespaces.CLIENT).attr("from", domain).attr("type", "headline")
                .child(Element.builder("body", Namespaces.CLIENT).text(text).build()).build();
        CompletionStage<Long> sent;
        try {
            sent = admin().toEverySession(message);
        } catch (RuntimeException e) {
            announcing.set(false);
            throw e;
        }
        return sent.whenComplete((n, failure) -> announcing.set(false)).thenApply(n -> {
            LOG.info("adhoc-announcement-sent sessions={} admin={}", n, admin);
            return Result.done("The announcement was sent to " + n + " session(s).");
        });
    }
}
