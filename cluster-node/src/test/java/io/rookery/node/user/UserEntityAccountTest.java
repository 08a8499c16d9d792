package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.PASSWORD;
import static io.rookery.node.user.SingleNode.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.node.user.UserEntity.AccountStatus;
import io.rookery.persistence.user.UserSnapshotV3;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The persisted half of the user entity: the account's lifecycle and its SCRAM keys, across passivation too. */
class UserEntityAccountTest {
    private static final List<ScramCredentials> NEW_PASSWORD = Accounts.credentialsFor("new password", 4096);

    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static ScramCredentials stored(List<ScramCredentials> credentials, ScramHash hash) {
        return credentials.stream().filter(c -> c.hash() == hash).findFirst().orElseThrow();
    }

    /** Stops the entity through its own passivation path and waits until its shard no longer runs it. */
    private static void passivate(Jid jid) {
        node.router.user(jid).tell(UserEntity.Passivate.INSTANCE);
        node.testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
            assertFalse(node.runningUserEntities().contains(UserEntity.entityId(jid)));
            return null;
        });
    }

    // ---- create -----------------------------------------------------------------------------------------------

    @Test
    void aNewAccountAnswersWithTheKeysItWasCreatedWithForEachHash() {
        Jid alice = node.newAccount("alice");

        for (ScramHash hash : ScramHash.values()) {
            assertEquals(Optional.of(stored(PASSWORD, hash)), node.credentials(alice, hash).credentials(), hash.name());
        }
    }

    @Test
    void creatingAnAccountTwiceAnswersAlreadyExistsAndKeepsTheFirstKeys() {
        Jid alice = node.newAccount("alice");

        assertEquals(AccountStatus.ALREADY_EXISTS, node.createAccount(alice, NEW_PASSWORD));
        assertEquals(Optional.of(stored(PASSWORD, ScramHash.SHA_256)),
                node.credentials(alice, ScramHash.SHA_256).credentials());
    }

    @Test
    void anAccountThatWasNeverCreatedHasNoCredentialsAndRefusesBinding() {
        Jid nobody = SingleNode.freshJid("nobody");

        assertEquals(Optional.empty(), node.credentials(nobody, ScramHash.SHA_256).credentials());
        Session session = new Session(SingleNode.full(nobody, "phone"), node.testKit.createTestProbe());
        assertEquals(new UserEntity.NoAccount(), node.bindAnswer(session));
    }

    // ---- change password ------------------------------------------------------------------------------------

    @Test
    void changingThePasswordReplacesTheStoredKeys() {
        Jid alice = node.newAccount("alice");

        assertEquals(AccountStatus.UPDATED, node.changePassword(alice, NEW_PASSWORD));

        ScramCredentials now = node.credentials(alice, ScramHash.SHA_256).credentials().orElseThrow();
        assertEquals(stored(NEW_PASSWORD, ScramHash.SHA_256), now);
        assertNotEquals(stored(PASSWORD, ScramHash.SHA_256), now);
    }

    @Test
    void changingThePasswordOfAnAccountThatDoesNotExistAnswersNotFoundAndCreatesNothing() {
        Jid nobody = SingleNode.freshJid("nobody");

        assertEquals(AccountStatus.NOT_FOUND, node.changePassword(nobody, NEW_PASSWORD));
        assertEquals(Optional.empty(), node.credentials(nobody, ScramHash.SHA_256).credentials());
    }

    // ---- delete -----------------------------------------------------------------------------------------------

    @Test
    void deletingAnAccountKicksEveryBoundSessionWithAccountDeleted() {
        Jid alice = node.newAccount("alice");
        Session phone = node.bind(alice, "phone");
        Session laptop = node.bind(alice, "laptop");
        node.becomeAvailable(phone, 0);

        assertEquals(AccountStatus.DELETED, node.deleteAccount(alice));

        phone.expectKicked(SessionProtocol.Kick.ACCOUNT_DELETED);
        laptop.expectKicked(SessionProtocol.Kick.ACCOUNT_DELETED);
    }

    @Test
    void aDeletedAccountHasNoCredentialsAndAnswersBindingWithNoAccount() {
        Jid alice = node.newAccount("alice");
        assertEquals(AccountStatus.DELETED, node.deleteAccount(alice));

        assertEquals(Optional.empty(), node.credentials(alice, ScramHash.SHA_256).credentials());
        Session session = new Session(SingleNode.full(alice, "phone"), node.testKit.createTestProbe());
        assertEquals(new UserEntity.NoAccount(), node.bindAnswer(session));
    }

    @Test
    void aMessageToADeletedAccountBouncesInsteadOfReachingItsFormerSession() {
        Jid alice = node.newAccount("alice");
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);
        Session bob = node.bind(node.newAccount("bob"), "phone");
        assertEquals(AccountStatus.DELETED, node.deleteAccount(alice));
        phone.expectKicked(SessionProtocol.Kick.ACCOUNT_DELETED);

        Element chat = chat(bob.jid(), phone.jid(), "c1");
        node.router.route(chat);

        SingleNode.assertServiceUnavailableReplyTo(chat, bob.nextStanza());
    }

    @Test
    void deletingAnAccountThatDoesNotExistAnswersNotFound() {
        assertEquals(AccountStatus.NOT_FOUND, node.deleteAccount(SingleNode.freshJid("nobody")));
    }

    @Test
    void aDeletedAccountCanBeCreatedAgainWithNewKeys() {
        Jid alice = node.newAccount("alice");
        assertEquals(AccountStatus.DELETED, node.deleteAccount(alice));

        assertEquals(AccountStatus.CREATED, node.createAccount(alice, NEW_PASSWORD));
        assertEquals(Optional.of(stored(NEW_PASSWORD, ScramHash.SHA_512)),
                node.credentials(alice, ScramHash.SHA_512).credentials());
    }

    // ---- disable (XEP-0133) ------------------------------------------------------------------------------------

    private static UserEntity.AccountStatus setDisabled(Jid jid, boolean disabled) {
        var reply = node.testKit.<UserEntity.AccountResult>createTestProbe();
        node.router.user(jid).tell(new UserEntity.SetDisabled(disabled, reply.getRef()));
        return reply.expectMessageClass(UserEntity.AccountResult.class).status();
    }

    private static UserEntity.LoginCredentials login(Jid jid) {
        var reply = node.testKit.<UserEntity.LoginCredentials>createTestProbe();
        node.router.user(jid).tell(new UserEntity.GetLoginCredentials(ScramHash.SHA_256, reply.getRef()));
        return reply.expectMessageClass(UserEntity.LoginCredentials.class);
    }

    @Test
    void disablingEndsTheSessionsRefusesBindingAndSaysSoToALoginUntilEnabledAgain() {
        Jid alice = node.newAccount("alice");
        Session phone = node.bind(alice, "phone");

        assertEquals(AccountStatus.UPDATED, setDisabled(alice, true));
        phone.expectKicked(SessionProtocol.Kick.ACCOUNT_DELETED);
        assertEquals(AccountStatus.ALREADY_EXISTS, setDisabled(alice, true));
        UserEntity.LoginCredentials refused = login(alice);
        assertTrue(refused.disabled());
        assertEquals(Optional.of(stored(PASSWORD, ScramHash.SHA_256)), refused.credentials(),
                "the session checks the password before it says the account is disabled");
        assertEquals(Optional.empty(), node.credentials(alice, ScramHash.SHA_256).credentials(),
                "the old question of a node not upgraded yet gets no credentials");
        assertTrue(node.bindAnswer(new Session(SingleNode.full(alice, "laptop"), node.testKit.createTestProbe()))
                instanceof UserEntity.NoAccount);

        passivate(alice);
        assertTrue(login(alice).disabled(), "recovered from the journal");

        assertEquals(AccountStatus.UPDATED, setDisabled(alice, false));
        assertFalse(login(alice).disabled());
        node.bind(alice, "laptop");
        assertEquals(AccountStatus.NOT_FOUND, setDisabled(SingleNode.freshJid("nobody"), true));
    }

    // ---- passivation and recovery -------------------------------------------------------------------------

    @Test
    void theNewKeysSurvivePassivationAndRecoveryFromTheJournal() {
        Jid alice = node.newAccount("alice");
        assertEquals(AccountStatus.UPDATED, node.changePassword(alice, NEW_PASSWORD));

        passivate(alice);

        assertEquals(Optional.of(stored(NEW_PASSWORD, ScramHash.SHA_256)),
                node.credentials(alice, ScramHash.SHA_256).credentials());
        assertTrue(node.runningUserEntities().contains(UserEntity.entityId(alice)), "recovered on demand");
    }

    @Test
    void aDeletedAccountStaysDeletedAfterRecovery() {
        Jid alice = node.newAccount("alice");
        assertEquals(AccountStatus.DELETED, node.deleteAccount(alice));

        passivate(alice);

        assertEquals(Optional.empty(), node.credentials(alice, ScramHash.SHA_256).credentials());
        assertEquals(AccountStatus.NOT_FOUND, node.deleteAccount(alice));
    }

    @Test
    void theKeysSurviveRecoveryFromASnapshotAloneWhenTheJournalHoldsNoEvents() {
        Jid alice = node.newAccount("alice");
        // snapshotEvery(100): the creation plus 99 changes make the 100th event, which is snapshotted.
        for (int i = 0; i < 98; i++) assertEquals(AccountStatus.UPDATED, node.changePassword(alice, PASSWORD));
        assertEquals(AccountStatus.UPDATED, node.changePassword(alice, NEW_PASSWORD));
        String persistenceId = "User|" + UserEntity.entityId(alice);
        SnapshotTestKit snapshots = SnapshotTestKit.create(node.testKit.system());
        node.testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
            List<Pair<SnapshotMeta, Object>> stored = snapshots.persistedInStorage(persistenceId);
            assertFalse(stored.isEmpty(), "a snapshot was written");
            UserSnapshotV3 snapshot = (UserSnapshotV3) stored.get(stored.size() - 1).second();
            assertEquals(NEW_PASSWORD, snapshot.credentials());
            assertTrue(snapshot.exists());
            return null;
        });

        passivate(alice);
        // Leaves only the snapshot, so recovery must go through the snapshot adapter.
        PersistenceTestKit.create(node.testKit.system()).clearByIdPreservingSeqNumbers(persistenceId);

        assertEquals(Optional.of(stored(NEW_PASSWORD, ScramHash.SHA_1)),
                node.credentials(alice, ScramHash.SHA_1).credentials());
    }

    @Test
    void anEntityWithABoundSessionIgnoresItsPassivationTimerAndKeepsItsSessions() {
        Jid alice = node.newAccount("alice");
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);

        node.router.user(alice).tell(UserEntity.Passivate.INSTANCE);
        // A round trip after the timer message: had the entity asked its shard to passivate, that request reaches
        // the shard before the chat below does, and the chat would meet a fresh entity that knows no sessions.
        assertTrue(node.credentials(alice, ScramHash.SHA_256).credentials().isPresent());
        Element chat = chat(SingleNode.jid("stranger@localhost/desk"), alice, "c2");
        node.router.route(chat);

        phone.expectNext(chat);
    }
}
