package io.rookery.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class JsonLayoutTest {

    @Test
    void aLineIsOneJsonObjectWithTheEventKeyAndEscapedText() {
        LoggerContext ctx = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        LoggingEvent e = new LoggingEvent("fqcn", ctx.getLogger("io.rookery.node.RookeryNode"), Level.INFO,
                "node-started domain={} note={}", null, new Object[] {"localhost", "a \"quoted\"\nline\u0001"});
        String line = new JsonLayout().doLayout(e);

        assertTrue(line.startsWith("{\"ts\":\""), line);
        assertTrue(line.endsWith("}\n"), line);
        assertEquals(1, line.split("\n").length, "one line");
        assertTrue(line.contains("\"level\":\"INFO\""), line);
        assertTrue(line.contains("\"event\":\"node-started\""), line);
        assertTrue(line.contains("\"msg\":\"node-started domain=localhost note=a \\\"quoted\\\"\\nline\\u0001\""),
                line);
    }

    @Test
    void messagesThatDoNotStartWithAKeyGetTheGenericOne() {
        assertEquals("log", JsonLayout.eventKey("Cluster Node [pekko://rookery] - Welcome"));
        assertEquals("session-reattached", JsonLayout.eventKey("session-reattached jid=a@b resource=c"));
        assertEquals("log", JsonLayout.eventKey(""));
    }
}
