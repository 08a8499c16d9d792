package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scripts' expectations fail where they should: every difference but a {any} is reported. */
class ConversationMatchTest {
    private static List<String> problems(String expected, String actual) {
        List<String> p = new ArrayList<>();
        Conversation.match(Conversation.element(expected), Conversation.element(actual), "/", p);
        return p;
    }

    @Test
    void onlyAnyMatchesAnything() {
        assertEquals(List.of(), problems("<iq type='result' id='{any}'/>", "<iq type='result' id='x7'/>"));
        assertEquals(1, problems("<iq type='result' id='a'/>", "<iq type='result' id='b'/>").size());
        assertEquals(1, problems("<iq type='result'/>", "<iq type='result' id='b'/>").size());
        assertEquals(1, problems("<message><body>hi</body></message>", "<message><body>ho</body></message>").size());
        assertEquals(1, problems("<iq><a xmlns='urn:x'/></iq>", "<iq><a xmlns='urn:y'/></iq>").size());
        assertEquals(1, problems("<iq><a xmlns='urn:x'/></iq>", "<iq><a xmlns='urn:x'/><b xmlns='urn:x'/></iq>").size());
    }
}
