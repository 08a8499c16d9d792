package io.rookery.node.user;

import io.rookery.node.ext.AccountProvisioning;

import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/** Account administration for the admin API: every change goes through the account's entity. */
public final class AccountService implements AccountProvisioning {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final ActorSystem<?> system;
    private final StanzaRouter router;
    private final AccountDirectory directory;
    private final int iterations;

    public AccountService(ActorSystem<?> system, StanzaRouter router, AccountDirectory directory, int iterations) {
        this.system = system;
        this.router = router;
        this.directory = directory;
        this.iterations = iterations;
    }

    public Jid jid(String username) throws InvalidJidException {
        Jid j = Jid.of(username, router.domain(), null);
        if (j.local() == null) throw new InvalidJidException("a user name is required");
        return j;
    }

    public CompletionStage<UserEntity.AccountStatus> create(Jid jid, String password) {
        Accounts.checkPassword(password);
        List<ScramCredentials> creds = Accounts.credentialsFor(password, iterations);
        return create(jid, creds);
    }

    private CompletionStage<UserEntity.AccountStatus> create(Jid jid, List<ScramCredentials> creds) {
        return router.user(jid).<UserEntity.AccountResult>ask(r -> new UserEntity.CreateAccount(creds, r), TIMEOUT)
                .thenApply(UserEntity.AccountResult::status);
    }

    /** XEP-0077 in-band registration and other modules' account creation. */
    @Override
    public CompletionStage<Created> create(String localpart, String password) {
        Jid jid;
        try {
            jid = jid(localpart);
        } catch (InvalidJidException e) {
            throw new IllegalArgumentException("not a user name: " + e.getMessage(), e);
        }
        return create(jid, password).thenApply(status ->
                status == UserEntity.AccountStatus.CREATED ? Created.CREATED : Created.ALREADY_EXISTS);
    }

    public CompletionStage<UserEntity.AccountStatus> changePassword(Jid jid, String password) {
        Accounts.checkPassword(password);
        List<ScramCredentials> creds = Accounts.credentialsFor(password, iterations);
        return router.user(jid).<UserEntity.AccountResult>ask(r -> new UserEntity.ChangePassword(creds, r), TIMEOUT)
                .thenApply(UserEntity.AccountResult::status);
    }

    public CompletionStage<UserEntity.AccountStatus> delete(Jid jid) {
        return router.user(jid).<UserEntity.AccountResult>ask(UserEntity.DeleteAccount::new, TIMEOUT)
                .thenApply(UserEntity.AccountResult::status);
    }

    /** Disables the account (its sessions end, it may not log in) or enables it again. */
    public CompletionStage<UserEntity.AccountStatus> setDisabled(Jid jid, boolean disabled) {
        return router.user(jid).<UserEntity.AccountResult>ask(r -> new UserEntity.SetDisabled(disabled, r), TIMEOUT)
                .thenApply(UserEntity.AccountResult::status);
    }

    /**
     * Revokes every XEP-0484 token of the account: its clients log in with their passwords again. Refused (bad
     * request) when no module keeps tokens.
     */
    public CompletionStage<UserEntity.AccountStatus> revokeTokens(Jid jid) {
        io.rookery.node.ext.LoginTokens tokens = router.modules().loginTokens();
        if (tokens == null) throw new IllegalArgumentException("no module keeps login tokens (rookery.modules.fast)");
        List<io.rookery.persistence.user.UserEvent> events = List.of(tokens.revokeAll());
        return router.user(jid).<UserEntity.PartEventsPersisted>ask(r -> new UserEntity.PersistPartEvents(events, r),
                TIMEOUT).thenApply(p -> p.persisted() ? UserEntity.AccountStatus.UPDATED
                        : UserEntity.AccountStatus.NOT_FOUND);
    }

    /** How many accounts the domain has (the account index), or -1 without one. */
    public CompletionStage<Long> count() {
        if (directory == null) return CompletableFuture.completedFuture(-1L);
        return directory.count(router.domain());
    }

    public CompletionStage<List<String>> list() {
        if (directory == null) return CompletableFuture.completedFuture(List.of());
        return directory.list(router.domain());
    }

    public record BulkResult(int created, int existing, int failed) {}

    /**
     * Creates user names from a pattern (`%d` takes the number) with one password. For load tests: the keys are
     * derived once with one salt per hash and shared by the whole batch, which makes 20,000 accounts a matter of
     * seconds instead of minutes of PBKDF2. Equal salts reveal equal passwords, which is the point of such a batch;
     * never use it for real users.
     */
    public CompletionStage<BulkResult> bulkCreate(String pattern, int from, int count, String password,
            int parallelism) {
        if (!pattern.contains("%d")) throw new IllegalArgumentException("pattern must contain %d");
        Accounts.checkPassword(password);
        List<ScramCredentials> shared = new ArrayList<>();
        for (ScramHash h : ScramHash.values()) {
            shared.add(ScramCredentials.derive(h, password, Accounts.newSalt(), iterations));
        }
        List<ScramCredentials> creds = List.copyOf(shared);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger existing = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long started = System.nanoTime();
        return Source.range(from, from + count - 1)
                .mapAsyncUnordered(parallelism, i -> {
                    Jid jid;
                    try {
                        jid = jid(pattern.replace("%d", Integer.toString(i)));
                    } catch (InvalidJidException e) {
                        failed.incrementAndGet();
                        return CompletableFuture.completedFuture(null);
                    }
                    return create(jid, creds).handle((status, failure) -> {
                        if (failure != null) failed.incrementAndGet();
                        else if (status == UserEntity.AccountStatus.CREATED) created.incrementAndGet();
                        else existing.incrementAndGet();
                        return null;
                    });
                })
                .run(system)
                .thenApply(done -> {
                    BulkResult r = new BulkResult(created.get(), existing.get(), failed.get());
                    system.log().info("accounts-bulk-created created={} existing={} failed={} millis={}", r.created(),
                            r.existing(), r.failed(), (System.nanoTime() - started) / 1_000_000);
                    return r;
                });
    }
}
