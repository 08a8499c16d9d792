package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.sasl.ScramHash;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsAreFilledIn() {
        Options o = Options.parse("--scenario=idle");
        assertEquals(Options.Scenario.IDLE, o.scenario);
        assertEquals("127.0.0.1", o.host);
        assertEquals(5222, o.port);
        assertEquals("localhost", o.domain);
        assertEquals("load7", o.userName(7));
        assertEquals(1, o.first);
        assertEquals(100, o.users);
        assertEquals(Options.TlsMode.STARTTLS, o.tls);
        assertEquals(ScramHash.SHA_256, o.scramHash());
        assertTrue(o.presence, "idle sends presence by default");
        assertTrue(o.out.startsWith("loadtest-idle-"), o.out);
        assertEquals(Duration.ofSeconds(60), o.duration);
    }

    @Test
    void everyOptionIsRead() {
        Options o = Options.parse("--scenario=chat", "--host=10.0.0.2", "--port=5223", "--domain=example.org",
                "--user=bot-%d-x", "--first=0", "--users=5000", "--password=pw", "--mechanism=plain", "--tls=off",
                "--rate=250.5", "--duration=2m", "--ramp=100", "--concurrency=10", "--threads=3", "--resource=r",
                "--presence=off", "--body-size=64", "--grace=500ms", "--settle=3s", "--login-timeout=1h",
                "--timeout=10m", "--progress=2s", "--out=results/run1", "--scram-cache=off");
        assertEquals("bot-0-x", o.userName(0));
        assertEquals(java.util.List.of("10.0.0.2"), o.hosts);
        assertEquals("PLAIN", o.mechanism);
        assertNull(o.scramHash());
        assertEquals(Options.TlsMode.OFF, o.tls);
        assertEquals(250.5, o.rate);
        assertEquals(Duration.ofMinutes(2), o.duration);
        assertEquals(Duration.ofMillis(500), o.grace);
        assertEquals(Duration.ofSeconds(3), o.settle);
        assertEquals(Duration.ofHours(1), o.loginTimeout);
        assertEquals(Duration.ofMinutes(10), o.timeout);
        assertEquals(3, o.threads);
        assertFalse(o.presence);
        assertFalse(o.scramCache);
        assertEquals(64, o.bodySize);
        assertEquals("results/run1", o.out);
        assertEquals("600s", o.effective().get("timeout"));
        assertEquals("chat", o.effective().get("scenario"));
        assertEquals("(not recorded)", o.effective().get("password"), "results never carry the password");
        assertEquals(java.util.List.of("a", "b"), Options.parse("--scenario=idle", "--host=a,b").hosts);
    }

    @Test
    void loginStormSendsNoPresenceByDefaultAndItsTimeoutCoversTheStorm() {
        Options o = Options.parse("--scenario=login-storm", "--users=1000", "--rate=10", "--duration=30s");
        assertFalse(o.presence);
        // logins are started for at most --duration (30s), then login-timeout (30s) + grace (10s) + 2m
        assertEquals(Duration.ofSeconds(30 + 30 + 30 + 10 + 120), o.timeout);
    }

    @Test
    void chatSettlesNotAtAllByDefaultAndItsTimeoutCoversTheSettling() {
        Options o = Options.parse("--scenario=chat", "--users=100", "--rate=10", "--duration=30s");
        assertEquals(Duration.ZERO, o.settle);
        Options settled = Options.parse("--scenario=chat", "--users=100", "--rate=10", "--duration=30s",
                "--settle=5s");
        assertEquals(o.timeout.plusSeconds(5), settled.timeout);
    }

    @Test
    void badInputIsRefusedWithItsName() {
        assertMessage("--scenario is required", "--users=3");
        assertMessage("unknown option --colour", "--scenario=idle", "--colour=red");
        assertMessage("expected --name=value: users", "--scenario=idle", "users");
        assertMessage("--port must be in 1..65535", "--scenario=idle", "--port=0");
        assertMessage("--user must contain %d", "--scenario=idle", "--user=alice");
        assertMessage("--mechanism must be", "--scenario=idle", "--mechanism=DIGEST-MD5");
        assertMessage("--tls must be starttls or off", "--scenario=idle", "--tls=direct");
        assertMessage("chat needs --rate > 0", "--scenario=chat");
        assertMessage("--duration: not a duration: soon", "--scenario=idle", "--duration=soon");
        assertMessage("--users given twice", "--scenario=idle", "--users=1", "--users=2");
        assertMessage("--host has an empty name", "--scenario=idle", "--host=a,,b");
    }

    @Test
    void theNewScenariosReadTheirOptions() {
        Options churn = Options.parse("--scenario=presence-churn", "--rate=10", "--users=50", "--contacts=8");
        assertEquals(Options.Scenario.PRESENCE_CHURN, churn.scenario);
        assertEquals(8, churn.contacts);
        assertTrue(churn.rosterSetup);
        assertTrue(churn.setsUpRosters());
        assertTrue(churn.presence);
        assertEquals("8", churn.effective().get("contacts"));
        assertEquals("none", churn.effective().get("create"));
        Options roster = Options.parse("--scenario=roster", "--users=30", "--roster-setup=off");
        assertEquals(29, roster.contacts, "at most every other user by default");
        assertFalse(roster.setsUpRosters());
        assertEquals(100, Options.parse("--scenario=roster", "--users=500").contacts);
        assertEquals(0, Options.parse("--scenario=chat", "--rate=1", "--contacts=5").contacts);
        assertFalse(Options.parse("--scenario=idle").effective().containsKey("contacts"));
    }

    @Test
    void accountCreationIsReadAndTheCommandNeverCarriesThePassword() {
        assertEquals(Options.Create.NONE, Options.parse("--scenario=idle").create);
        assertEquals(Options.Create.IBR, Options.parse("--scenario=idle", "--create=ibr").create);
        Options c = Options.parse("--scenario=idle", "--password=hunter2", "--create=command",
                "--create-command=make {users} {password} hunter2");
        assertEquals(Options.Create.COMMAND, c.create);
        assertEquals("make {users} {password} hunter2", c.createCommand);
        assertEquals("make {users} {password} (password)", c.effective().get("create-command"));
        assertFalse(Options.parse("--scenario=idle").effective().containsKey("create-command"));
    }

    @Test
    void extraRoundsLengthenTheDefaultTimeout() {
        Duration plain = Options.parse("--scenario=idle", "--duration=10s").timeout;
        Duration ibr = Options.parse("--scenario=idle", "--duration=10s", "--create=ibr").timeout;
        assertEquals(plain.plusSeconds(30 + 60), ibr);
        Duration roster = Options.parse("--scenario=roster", "--duration=10s").timeout;
        Duration noSetup = Options.parse("--scenario=roster", "--duration=10s", "--roster-setup=off").timeout;
        assertEquals(noSetup.plusSeconds(30 + 60), roster);
    }

    @Test
    void badValuesOfTheNewOptionsAreRefused() {
        assertMessage("presence-churn needs --rate > 0", "--scenario=presence-churn");
        assertMessage("presence-churn needs --presence=on", "--scenario=presence-churn", "--rate=1", "--presence=off");
        assertMessage("roster needs --users >= 2", "--scenario=roster", "--users=1");
        assertMessage("--contacts must be in 1..9", "--scenario=roster", "--users=10", "--contacts=10");
        assertMessage("--contacts must be in 1..9", "--scenario=roster", "--users=10", "--contacts=0");
        assertMessage("--contacts must be even when --users is odd", "--scenario=roster", "--users=9", "--contacts=3");
        assertMessage("--roster-setup must be on or off", "--scenario=roster", "--roster-setup=maybe");
        assertMessage("--create must be none, ibr or command", "--scenario=idle", "--create=ldap");
        assertMessage("--create=command needs --create-command", "--scenario=idle", "--create=command");
        assertMessage("--create-command needs --create=command", "--scenario=idle", "--create-command=true");
        assertMessage("--scenario must be login-storm, idle, chat, presence-churn, roster or muc", "--scenario=soak");
    }

    @Test
    void mucReadsItsRoomsAndRefusesUsersThatDoNotFillThem() {
        Options o = Options.parse("--scenario=muc", "--rate=20", "--users=1000", "--room-size=100",
                "--domain=example.org");
        assertEquals(Options.Scenario.MUC, o.scenario);
        assertEquals(100, o.roomSize);
        assertEquals(10, o.rooms);
        assertEquals("conference.example.org", o.mucService);
        assertEquals("loadroom", o.roomPrefix);
        assertEquals(0, o.stepUp);
        assertEquals("10", o.effective().get("rooms"));
        assertEquals("conference.example.org", o.effective().get("muc-service"));
        assertTrue(o.presence);
        Options s = Options.parse("--scenario=muc", "--rate=1", "--users=6", "--rooms=2", "--room-size=3",
                "--step-up=4", "--step-duration=10s", "--step-p99=500ms", "--step-behind=1", "--muc-service=muc.x",
                "--room-prefix=r");
        assertEquals(4, s.stepUp);
        assertEquals(Duration.ofSeconds(10), s.stepDuration);
        assertEquals(Duration.ofMillis(500), s.stepP99);
        assertEquals(1.0, s.stepBehindPercent);
        assertEquals("muc.x", s.mucService);
        Duration steps = s.timeout.minus(Options.parse("--scenario=muc", "--rate=1", "--users=6", "--room-size=3")
                .timeout);
        assertEquals(Duration.ofSeconds(4 * (10 + 10)), steps, "the step-up lengthens the default timeout");
        assertFalse(Options.parse("--scenario=chat", "--rate=1").effective().containsKey("room-size"));
        assertMessage("muc needs --rate > 0", "--scenario=muc", "--users=10");
        assertMessage("muc needs --users = --rooms x --room-size: 1000 users, 3 rooms of 300", "--scenario=muc",
                "--rate=1", "--users=1000", "--room-size=300");
        assertMessage("muc needs --users = --rooms x --room-size", "--scenario=muc", "--rate=1", "--users=10",
                "--room-size=5", "--rooms=3");
        assertMessage("muc needs --users >= --room-size", "--scenario=muc", "--rate=1", "--users=10",
                "--room-size=50");
        assertMessage("must be plain JID parts", "--scenario=muc", "--rate=1", "--users=10", "--room-prefix=a@b");
        assertMessage("--sm=on counts only chat messages", "--scenario=muc", "--rate=1", "--users=10", "--sm=on");
        assertMessage("--step-up must be in 0..20", "--scenario=muc", "--rate=1", "--users=10", "--step-up=21");
    }

    @Test
    void durationsAcceptUnitsAndBareSeconds() {
        assertEquals(Duration.ofMillis(250), Options.parseDuration("250ms"));
        assertEquals(Duration.ofMillis(1500), Options.parseDuration("1.5s"));
        assertEquals(Duration.ofSeconds(90), Options.parseDuration("90"));
        assertEquals(Duration.ofMinutes(5), Options.parseDuration("5m"));
        assertEquals(Duration.ofHours(2), Options.parseDuration("2h"));
    }

    @Test
    void boshNeedsPlainHttpAndRefusesStreamManagement() {
        Options o = Options.parse("--scenario=idle", "--transport=bosh", "--tls=off", "--port=5280");
        assertTrue(o.bosh);
        assertFalse(o.webSocket);
        assertEquals("/http-bind", o.boshPath);
        assertEquals("/bind", Options.parse("--scenario=idle", "--transport=BOSH", "--tls=off", "--bosh-path=/bind")
                .boshPath);
        assertFalse(Options.parse("--scenario=idle").bosh);
        assertMessage("--transport=bosh needs --tls=off", "--scenario=idle", "--transport=bosh");
        assertMessage("--bosh-path must start with /", "--scenario=idle", "--transport=bosh", "--tls=off",
                "--bosh-path=http-bind");
        assertMessage("--sm is not supported with --transport=bosh", "--scenario=chat", "--rate=1",
                "--transport=bosh", "--tls=off", "--sm=on");
        assertMessage("--transport must be tcp, websocket or bosh", "--scenario=idle", "--transport=xhr");
        assertTrue(Options.help().contains("--bosh-path "));
    }

    @Test
    void helpListsEveryOption() {
        String help = Options.help();
        for (String name : new String[] {"host", "port", "domain", "user", "first", "users", "password",
            "mechanism", "tls", "scenario", "rate", "duration", "ramp", "out", "progress", "contacts", "roster-setup",
            "create", "create-command", "room-size", "rooms", "muc-service", "room-prefix", "step-up"}) {
            assertTrue(help.contains("--" + name + " "), name);
        }
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Options.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
