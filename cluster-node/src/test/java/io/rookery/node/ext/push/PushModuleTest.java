package io.rookery.node.ext.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.node.ext.TestAccount;
import io.rookery.node.ext.offline.OfflineModule;
import io.rookery.persistence.offline.OfflineSpool;
import io.rookery.persistence.push.PushDisabled;
import io.rookery.persistence.push.PushEnabled;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.push.Push;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XEP-0357 as data in, data out: what enable and disable persist, when a notification goes out and what it says. */
class PushModuleTest {
    private static final String NS = Push.NS;
    private static final String OPTIONS = "<x xmlns='jabber:x:data'><field var='FORM_TYPE'><value>"
            + "http://jabber.org/protocol/pubsub#publish-options</value></field><field var='secret'><value>s3"
            + "</value></field></x>";
    private static final PushSettings DEFAULTS = new PushSettings(false, true, 256, 5, Duration.ofSeconds(30));
    private final Modules modules = Modules.fromConfig(ConfigFactory.defaultReference(), Clock.systemUTC(),
            Instant.now());
    private final TickingClock clock = new TickingClock();

    /** A clock the test moves. */
    static final class TickingClock extends Clock {
        long millis = 1_765_000_000_000L;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private static Element iq(String type, String payloadXml) {
        return Element.builder("iq", Namespaces.CLIENT).attr("type", type).attr("id", "p1")
                .attr("from", "alice@localhost/phone").attr("to", "alice@localhost")
                .child(StoredXml.parse(payloadXml)).build();
    }

    private static PushEnabled reg(String service, String node, String resource) {
        return new PushEnabled(service, node, null, resource, 1L);
    }

    private static ArrayList<PushEnabled> regs(PushEnabled... r) {
        return new ArrayList<>(List.of(r));
    }

    private static Element chat(String body) {
        Element.Builder m = Element.builder("message", Namespaces.CLIENT).attr("type", "chat")
                .attr("from", "bob@localhost/desk").attr("to", "alice@localhost").attr("id", "m1");
        if (body != null) m.child(Element.builder("body", Namespaces.CLIENT).text(body).build());
        return m.build();
    }

    @Test
    void theAccountAdvertisesTheFeature() {
        assertTrue(modules.discoFeatures(Discoverable.ACCOUNT).contains(NS));
    }

    @Test
    void enablingKeepsTheServiceNodeOptionsAndTheResourceThatAsked() {
        IqOutcome out = modules.handle(AddressKind.OWN_ACCOUNT, iq("set", "<enable xmlns='" + NS
                + "' jid='Push.Example' node='n1'>" + OPTIONS + "</enable>"), TestAccount.of("alice@localhost"));
        assertEquals("result", out.reply().attr("type"), out.reply()::toString);
        assertEquals(1, out.persist().size());
        PushEnabled e = (PushEnabled) out.persist().get(0);
        assertEquals("push.example", e.service());
        assertEquals("n1", e.node());
        assertEquals("phone", e.resource());
        assertEquals(StoredXml.parse(OPTIONS), StoredXml.parse(e.publishOptions()));
    }

    @Test
    void enablingPastTheLimitDisablesTheOldestAndEnablingAgainReplacesNothingElse() {
        PushSettings two = new PushSettings(false, true, 256, 2, Duration.ofSeconds(30));
        TestAccount full = TestAccount.of("alice@localhost").with(PushModule.REGISTRATIONS,
                regs(reg("a.example", "old", "phone"), reg("b.example", "newer", "phone")));
        IqOutcome more = PushModule.enable(new io.rookery.node.ext.IqRequest(iq("set",
                "<enable xmlns='" + NS + "' jid='c.example' node='n'/>"), AddressKind.OWN_ACCOUNT, full), two, null, clock);
        assertEquals(new PushDisabled("a.example", "old"), more.persist().get(0));
        assertEquals("c.example", ((PushEnabled) more.persist().get(1)).service());
        IqOutcome again = PushModule.enable(new io.rookery.node.ext.IqRequest(iq("set",
                "<enable xmlns='" + NS + "' jid='b.example' node='newer'/>"), AddressKind.OWN_ACCOUNT, full), two, null, clock);
        assertEquals(1, again.persist().size(), again::toString);
    }

    @Test
    void malformedRequestsAGetAndSomeoneElsesRequestAreRefused() {
        TestAccount alice = TestAccount.of("alice@localhost");
        assertEquals("bad-request", condition(modules.handle(AddressKind.OWN_ACCOUNT,
                iq("set", "<enable xmlns='" + NS + "' jid='push.example'/>"), alice)));
        assertEquals("bad-request", condition(modules.handle(AddressKind.OWN_ACCOUNT,
                iq("get", "<enable xmlns='" + NS + "' jid='push.example' node='n'/>"), alice)));
        assertEquals("forbidden", condition(modules.handle(AddressKind.OTHER_ACCOUNT,
                iq("set", "<disable xmlns='" + NS + "' jid='push.example'/>"), alice)));
        String longNode = "n".repeat(2000);
        assertEquals("not-acceptable", condition(modules.handle(AddressKind.OWN_ACCOUNT,
                iq("set", "<enable xmlns='" + NS + "' jid='push.example' node='" + longNode + "'/>"), alice)));
    }

    @Test
    void disablingANodeOrAWholeServiceAndWhatWasNeverEnabled() {
        TestAccount alice = TestAccount.of("alice@localhost").with(PushModule.REGISTRATIONS,
                regs(reg("push.example", "n1", "phone"), reg("push.example", "n2", "tablet")));
        IqOutcome one = modules.handle(AddressKind.OWN_ACCOUNT,
                iq("set", "<disable xmlns='" + NS + "' jid='push.example' node='n1'/>"), alice);
        assertEquals(List.of(new PushDisabled("push.example", "n1")), one.persist());
        IqOutcome all = modules.handle(AddressKind.OWN_ACCOUNT,
                iq("set", "<disable xmlns='" + NS + "' jid='push.example'/>"), alice);
        assertEquals(List.of(new PushDisabled("push.example", null)), all.persist());
        IqOutcome none = modules.handle(AddressKind.OWN_ACCOUNT,
                iq("set", "<disable xmlns='" + NS + "' jid='other.example'/>"), alice);
        assertEquals("result", none.reply().attr("type"));
        assertEquals(List.of(), none.persist());
    }

    @Test
    void thePartReplacesARegistrationAndDropsAWholeService() {
        PushPart part = new PushPart();
        ArrayList<PushEnabled> s = part.apply(null, reg("push.example", "n1", "phone"));
        s = part.apply(s, reg("push.example", "n2", "tablet"));
        s = part.apply(s, new PushEnabled("push.example", "n1", OPTIONS, "phone2", 2L));
        assertEquals(List.of("n2", "n1"), s.stream().map(PushEnabled::node).toList());
        assertEquals("phone2", s.get(1).resource());
        assertEquals(s, part.restore(part.snapshot(s)));
        assertNull(part.apply(s, new PushDisabled("push.example", null)));
    }

    @Test
    void aMessageToADetachedResourceThatEnabledPushIsNotifiedCountingAndWithoutItsBody() {
        Notifications n = new Notifications(DEFAULTS, clock, Notifications.Metrics.NONE, 1000);
        TestAccount alice = TestAccount.of("alice@localhost")
                .with(PushModule.REGISTRATIONS, regs(new PushEnabled("push.example", "n1", OPTIONS, "phone", 1L),
                        reg("push.example", "n2", "tablet")))
                .bound("phone", ResourceFlags.DETACHED).bound("desk", 0);
        HookOutcome first = n.received(new Hook.StanzaReceived(alice, chat("hello"), List.of("phone", "desk")));
        assertEquals(1, first.route().size(), first::toString);
        Element publish = first.route().get(0);
        assertEquals("alice@localhost", publish.attr("from"));
        assertEquals("push.example", publish.attr("to"));
        assertEquals("set", publish.attr("type"));
        assertEquals(Map.of("FORM_TYPE", Push.SUMMARY, "message-count", "1", "last-message-sender",
                "bob@localhost/desk"), Push.summaryOf(publish));
        Element pubsub = publish.child("pubsub", "http://jabber.org/protocol/pubsub");
        assertEquals("n1", pubsub.child("publish", "http://jabber.org/protocol/pubsub").attr("node"));
        assertEquals(StoredXml.parse(OPTIONS), pubsub.child("publish-options", "http://jabber.org/protocol/pubsub")
                .elements().get(0));
        HookOutcome second = n.received(new Hook.StanzaReceived(alice, chat("again"), List.of("phone")));
        assertEquals("2", Push.summaryOf(second.route().get(0)).get("message-count"));
    }

    @Test
    void aConnectedResourceAChatStateAndGroupchatAreNotNotified() {
        Notifications n = new Notifications(DEFAULTS, clock, Notifications.Metrics.NONE, 1000);
        TestAccount alice = TestAccount.of("alice@localhost")
                .with(PushModule.REGISTRATIONS, regs(reg("push.example", "n1", "phone")))
                .bound("phone", 0);
        assertEquals(List.of(), n.received(new Hook.StanzaReceived(alice, chat("hi"), List.of("phone"))).route());
        TestAccount away = TestAccount.of("alice@localhost")
                .with(PushModule.REGISTRATIONS, regs(reg("push.example", "n1", "phone")))
                .bound("phone", ResourceFlags.DETACHED);
        assertEquals(List.of(), n.received(new Hook.StanzaReceived(away, chat(null), List.of("phone"))).route());
        Element groupchat = chat("hi all").withAttr("type", "groupchat");
        assertEquals(List.of(), n.received(new Hook.StanzaReceived(away, groupchat, List.of("phone"))).route());
        Element call = Element.builder("message", Namespaces.CLIENT).attr("from", "bob@localhost/desk")
                .child(Element.builder("propose", Notifications.JINGLE_MESSAGE).attr("id", "c1").build()).build();
        assertEquals(1, n.received(new Hook.StanzaReceived(away, call, List.of("phone"))).route().size());
    }

    @Test
    void aMessageStoredOfflineGoesToEveryRegistrationCountingWhatIsStored() {
        Notifications n = new Notifications(DEFAULTS, clock, Notifications.Metrics.NONE, 10);
        TestAccount alice = TestAccount.of("alice@localhost")
                .with(PushModule.REGISTRATIONS, regs(reg("push.example", "n1", "phone"), reg("b.example", "n", null)))
                .with(OfflineModule.QUEUE, new OfflineSpool(List.of(), 100, 103, 300));
        HookOutcome out = n.undeliverable(new Hook.MessageUndeliverable(alice, chat("hi")));
        assertEquals(List.of("push.example", "b.example"), out.route().stream().map(e -> e.attr("to")).toList());
        assertEquals("4", Push.summaryOf(out.route().get(0)).get("message-count"));
        TestAccount full = TestAccount.of("alice@localhost")
                .with(PushModule.REGISTRATIONS, regs(reg("push.example", "n1", "phone")))
                .with(OfflineModule.QUEUE, new OfflineSpool(List.of(), 100, 110, 300));
        assertEquals(List.of(), n.undeliverable(new Hook.MessageUndeliverable(full, chat("hi"))).route(),
                "a full store refuses it: nothing to notify");
        Notifications noOffline = new Notifications(DEFAULTS, clock, Notifications.Metrics.NONE, null);
        assertEquals(List.of(), noOffline.undeliverable(new Hook.MessageUndeliverable(alice, chat("hi"))).route());
    }

    @Test
    void theBodyIsSentOnlyWhenConfiguredAndCut() {
        PushSettings body = new PushSettings(true, false, 5, 5, Duration.ofSeconds(30));
        Notifications n = new Notifications(body, clock, Notifications.Metrics.NONE, 1000);
        TestAccount alice = TestAccount.of("alice@localhost")
                .with(PushModule.REGISTRATIONS, regs(reg("push.example", "n1", null)));
        Map<String, String> summary = Push.summaryOf(n.undeliverable(
                new Hook.MessageUndeliverable(alice, chat("Wherefore art thou"))).route().get(0));
        assertEquals("Where", summary.get("last-message-body"));
        assertNull(summary.get("last-message-sender"));
    }

    @Test
    void anAppServerErrorDisablesItsRegistrationUnlessTransientOrLate() {
        Notifications n = new Notifications(DEFAULTS, clock, Notifications.Metrics.NONE, 1000);
        TestAccount alice = TestAccount.of("alice@localhost")
                .with(PushModule.REGISTRATIONS, regs(reg("push.example", "n1", "phone"), reg("push.example", "n2", "x")));
        Element publish = n.undeliverable(new Hook.MessageUndeliverable(alice, chat("hi"))).route().get(1);
        assertEquals(HookOutcome.NONE, n.answered(new Hook.IqResponse(alice, answer(publish, null))));
        assertEquals(List.of(new PushDisabled("push.example", "n2")),
                n.answered(new Hook.IqResponse(alice, answer(publish, "item-not-found"))).persist());
        assertEquals(List.of(), n.answered(new Hook.IqResponse(alice, answer(publish, "service-unavailable"))).persist());
        clock.millis += 31_000;
        assertEquals(List.of(), n.answered(new Hook.IqResponse(alice, answer(publish, "forbidden"))).persist(),
                "later than the notification timeout");
        Element notOurs = answer(publish, "forbidden").withAttr("id", "caps-1");
        assertEquals(HookOutcome.NONE, n.answered(new Hook.IqResponse(alice, notOurs)));
    }

    /** The app server's answer to a publish: a result, or an error with this condition. */
    private static Element answer(Element publish, String condition) {
        Element.Builder b = Element.builder("iq", Namespaces.CLIENT).attr("from", publish.attr("to"))
                .attr("to", publish.attr("from")).attr("id", publish.attr("id"))
                .attr("type", condition == null ? "result" : "error");
        if (condition != null) {
            b.child(Element.builder("error", Namespaces.CLIENT).attr("type", "cancel")
                    .child(Element.of(condition, Namespaces.STANZAS)).build());
        }
        return b.build();
    }

    private static String condition(IqOutcome out) {
        Element error = out.reply().child("error", Namespaces.CLIENT);
        return error == null ? null : error.elements().get(0).name();
    }
}
