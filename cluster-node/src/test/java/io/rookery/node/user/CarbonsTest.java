package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.chat;
import static io.rookery.node.user.SingleNode.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * XEP-0280 message carbons on a cluster of one: Alice has three resources, {@code a} and {@code b} enable carbons,
 * {@code c} does not. Bob sends from a bound session.
 *
 * <p>To show a session got nothing, it is sent a message of type normal afterwards (not eligible for carbons, so it
 * adds no copies elsewhere) and that marker must be the next thing it receives.
 */
class CarbonsTest {
    private static final String CARBONS = "urn:xmpp:carbons:2";
    private static final String FORWARD = "urn:xmpp:forward:0";
    private static SingleNode node;

    private Jid alice;
    private Session bob;
    private Session a;
    private Session b;
    private Session c;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @BeforeEach
    void accounts() {
        alice = node.newAccount("alice");
        bob = node.bind(node.newAccount("bob"), "phone");
        a = node.bind(alice, "a");
        b = node.bind(alice, "b");
        c = node.bind(alice, "c");
        node.becomeAvailable(a, 5);
        node.becomeAvailable(b, 1, a);
        node.becomeAvailable(c, 1, a, b);
        toggle(a, "enable");
        toggle(b, "enable");
    }

    /** Sends enable or disable from the session, as an iq without 'to', and checks the result. */
    private void toggle(Session s, String what) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("from", s.jid().toString()).attr("type", "set")
                .attr("id", what + "-" + s.jid().resource()).child(Element.of(what, CARBONS)).build();
        node.router.user(alice).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
        Element reply = s.nextStanza();
        assertEquals("iq", reply.name(), reply::toString);
        assertEquals("result", reply.attr("type"), reply::toString);
        assertEquals(iq.attr("id"), reply.attr("id"), reply::toString);
    }

    private void expectNothingMore(Session s) {
        Element marker = message(bob.jid(), s.jid(), "normal", "marker-" + s.jid().resource());
        node.router.route(marker);
        s.expectNext(marker);
    }

    /** The next stanza is a carbon of the original: from Alice's bare JID, to this resource, wrapping it. */
    private void expectCarbon(Session s, String direction, Element original) {
        Element carbon = s.nextStanza();
        assertEquals("message", carbon.name(), carbon::toString);
        assertEquals(alice.toString(), carbon.attr("from"), carbon::toString);
        assertEquals(s.jid().toString(), carbon.attr("to"), carbon::toString);
        assertEquals("chat", carbon.attr("type"), carbon::toString);
        Element wrapper = carbon.child(direction, CARBONS);
        assertNotNull(wrapper, carbon::toString);
        Element forwarded = wrapper.child("forwarded", FORWARD);
        assertNotNull(forwarded, carbon::toString);
        assertEquals(original, forwarded.child("message", Namespaces.CLIENT));
    }

    private void sent(Session from, Element message) {
        node.router.user(alice).tell(new UserEntity.SentMessage(from.jid().resource(), message));
    }

    @Test
    void aChatToOneResourceIsCopiedAsReceivedToTheOtherCarbonsEnabledResourceOnly() {
        Element chat = chat(bob.jid(), a.jid(), "r1");
        node.router.route(chat);

        a.expectNext(chat);
        expectCarbon(b, "received", chat);
        expectNothingMore(c);
        expectNothingMore(a);
    }

    @Test
    void aChatToAResourceWithoutCarbonsStillCopiesToTheEnabledOnes() {
        Element chat = chat(bob.jid(), c.jid(), "r2");
        node.router.route(chat);

        c.expectNext(chat);
        expectCarbon(a, "received", chat);
        expectCarbon(b, "received", chat);
    }

    @Test
    void aChatToTheBareJidGoesToTheHighestPriorityAndIsCopiedToTheOtherEnabledResource() {
        Element chat = chat(bob.jid(), alice, "r3");
        node.router.route(chat);

        a.expectNext(chat);
        expectCarbon(b, "received", chat);
        expectNothingMore(c);
    }

    @Test
    void aChatSentByOneResourceIsCopiedAsSentToTheOtherEnabledResourceOnly() {
        Element chat = chat(a.jid(), bob.jid(), "s1");
        sent(a, chat);

        expectCarbon(b, "sent", chat);
        expectNothingMore(a);
        expectNothingMore(c);
    }

    @Test
    void aChatSentByTheResourceWithoutCarbonsIsCopiedToBothEnabledOnes() {
        Element chat = chat(c.jid(), bob.jid(), "s2");
        sent(c, chat);

        expectCarbon(a, "sent", chat);
        expectCarbon(b, "sent", chat);
        expectNothingMore(c);
    }

    @Test
    void privateAndNoCopyMessagesAreNotCopiedEitherWay() {
        Element priv = withChild(chat(bob.jid(), a.jid(), "p1"), Element.of("private", CARBONS));
        Element noCopy = withChild(chat(bob.jid(), a.jid(), "p2"), Element.of("no-copy", "urn:xmpp:hints"));
        node.router.route(priv);
        node.router.route(noCopy);
        sent(a, withChild(chat(a.jid(), bob.jid(), "p3"), Element.of("private", CARBONS)));
        sent(a, withChild(chat(a.jid(), bob.jid(), "p4"), Element.of("no-copy", "urn:xmpp:hints")));

        a.expectNext(priv);
        a.expectNext(noCopy);
        expectNothingMore(b);
    }

    @Test
    void messagesThatAreNotChatAreNotCopied() {
        Element normal = message(bob.jid(), a.jid(), "normal", "n1");
        Element headline = message(bob.jid(), a.jid(), "headline", "n2");
        node.router.route(normal);
        node.router.route(headline);
        sent(a, message(a.jid(), bob.jid(), null, "n3"));

        a.expectNext(normal);
        a.expectNext(headline);
        expectNothingMore(b);
    }

    @Test
    void afterDisableAResourceGetsNoMoreCarbons() {
        toggle(b, "disable");

        Element chat = chat(bob.jid(), c.jid(), "d1");
        node.router.route(chat);
        sent(c, chat(c.jid(), bob.jid(), "d2"));

        c.expectNext(chat);
        expectCarbon(a, "received", chat);
        expectNothingMore(b);
    }

    private static Element withChild(Element message, Element child) {
        List<io.rookery.protocol.xml.Node> children = new ArrayList<>(message.children());
        children.add(child);
        return message.withChildren(children);
    }

    /** The next message the session's probe gets, whatever it is (nothing is passed over). */
    private static SessionProtocol.Message next(Session s) {
        return s.probe().receiveMessage();
    }

    private void ownIq(Jid user, Session s, String what) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("from", s.jid().toString()).attr("type", "set")
                .attr("id", what).child(Element.of(what, CARBONS)).build();
        node.router.user(user).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
    }

    private static void expectResult(Session s) {
        SessionProtocol.Message m = next(s);
        assertEquals("result", ((SessionProtocol.Deliver) m).stanza().attr("type"), m::toString);
    }

    @Test
    void aSessionIsToldToReportItsSentMessagesOnlyWhileAnotherResourceHasCarbons() {
        Jid carol = node.newAccount("carol");
        Session x = node.bind(carol, "x");
        Session y = node.bind(carol, "y");
        // Nobody has carbons: neither session is told anything, so neither sends its messages to the account.
        ownIq(carol, x, "enable");
        expectResult(x);
        // x enabled carbons: y's messages are now wanted (to copy them to x), x's own still are not.
        assertEquals(SessionProtocol.SentCopies.WANTED, next(y));
        ownIq(carol, y, "enable");
        // The entity tells before it answers: x's sent messages are wanted now that y has carbons too.
        assertEquals(SessionProtocol.SentCopies.WANTED, next(x));
        expectResult(y);
        ownIq(carol, x, "disable");
        // Only x had something to change for y (x no longer has carbons); y keeps carbons, so x is still wanted.
        assertEquals(SessionProtocol.SentCopies.NOT_WANTED, next(y));
        expectResult(x);
        Session z = node.bind(carol, "z");
        assertEquals(SessionProtocol.SentCopies.WANTED, next(z), "a new resource is told at bind");
        node.unbind(y);
        assertEquals(SessionProtocol.SentCopies.NOT_WANTED, next(x));
        assertEquals(SessionProtocol.SentCopies.NOT_WANTED, next(z));
    }
}
