package io.rookery.node.admin;

import io.rookery.node.cluster.LostSessions;
import io.rookery.node.cluster.OnlineSessions;
import io.rookery.node.ext.ServerAdministration;
import io.rookery.node.routing.Router;
import io.rookery.node.user.AccountService;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's {@link ServerAdministration}: account changes go through the account's entity ({@link AccountService});
 * who is online is read from the online-session records every node writes (Cassandra), limited to the node
 * incarnations that are members of the cluster now (a crashed node's records wait for their cleanup and are not
 * counted).
 */
public final class NodeAdministration implements ServerAdministration {
    private final ActorSystem<?> system;
    private final AccountService accounts;
    private final OnlineSessions online;
    private final Router router;

    public NodeAdministration(ActorSystem<?> system, AccountService accounts, OnlineSessions online, Router router) {
        this.system = system;
        this.accounts = accounts;
        this.online = online;
        this.router = router;
    }

    private Jid jid(String localpart) {
        try {
            return accounts.jid(localpart);
        } catch (InvalidJidException e) {
            throw new IllegalArgumentException("not a user name: " + e.getMessage(), e);
        }
    }

    private static Changed changed(UserEntity.AccountStatus status) {
        return switch (status) {
            case NOT_FOUND -> Changed.NOT_FOUND;
            case ALREADY_EXISTS -> Changed.UNCHANGED;
            default -> Changed.DONE;
        };
    }

    @Override
    public CompletionStage<Changed> changePassword(String localpart, String password) {
        return accounts.changePassword(jid(localpart), password).thenApply(NodeAdministration::changed);
    }

    @Override
    public CompletionStage<Changed> delete(String localpart) {
        return accounts.delete(jid(localpart)).thenApply(NodeAdministration::changed);
    }

    @Override
    public CompletionStage<Changed> setDisabled(String localpart, boolean disabled) {
        return accounts.setDisabled(jid(localpart), disabled).thenApply(NodeAdministration::changed);
    }

    @Override
    public CompletionStage<Long> registeredUsers() {
        return accounts.count();
    }

    /** The incarnations of the members that are up (or joining, leaving) now, as their records name them. */
    private List<String> liveNodes() {
        List<String> nodes = new ArrayList<>();
        for (Member m : Cluster.get(system).state().getMembers()) {
            MemberStatus s = m.status();
            if (s != MemberStatus.down() && s != MemberStatus.removed()) {
                nodes.add(LostSessions.incarnation(m.uniqueAddress()));
            }
        }
        return nodes;
    }

    /** Distinct bare JIDs: a user with sessions on several resources or nodes counts once (XEP-0133 §4.15). */
    @Override
    public CompletionStage<Long> onlineUsers() {
        Set<String> users = new HashSet<>();
        return online.forEachHeld(liveNodes(), page -> {
            synchronized (users) {
                for (OnlineSessions.Held h : page) users.add(h.user().toString());
            }
        }).thenApply(v -> {
            synchronized (users) {
                return (long) users.size();
            }
        });
    }

    @Override
    public CompletionStage<Long> toEverySession(Element message) {
        AtomicLong sent = new AtomicLong();
        return online.forEachHeld(liveNodes(), page -> {
            for (OnlineSessions.Held h : page) {
                try {
                    Jid to = Jid.of(h.user().local(), h.user().domain(), h.resource());
                    router.route(message.withAttr("to", to.toString()), to);
                    sent.incrementAndGet();
                } catch (InvalidJidException | RuntimeException e) {
                    // A record this node cannot address is skipped: the announcement goes on to the others.
                }
            }
        }).thenApply(v -> sent.get());
    }
}
