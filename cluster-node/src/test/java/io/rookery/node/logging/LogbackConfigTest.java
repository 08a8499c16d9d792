package io.rookery.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The node's logback.xml, read as logback reads it at start. Logback prints its whole configuration status (thirty
 * lines of noise) whenever the configuration produced a warning or an error, so a clean configuration must produce
 * none, and a broken one must produce one (that printout is then how the user learns about it).
 */
class LogbackConfigTest {

    @Test
    void theDefaultTextFormatConfiguresWithoutAWarningSoLogbackPrintsNothingAboutItself() throws Exception {
        LoggerContext context = configure(null);

        assertQuiet(context);
        Appender<ILoggingEvent> console = rootAppender(context);
        assertInstanceOf(ConsoleAppender.class, console);
        assertInstanceOf(PatternLayoutEncoder.class, ((ConsoleAppender<ILoggingEvent>) console).getEncoder());
    }

    @Test
    void theJsonFormatConfiguresWithoutAWarningAndWritesThroughJsonLayout() throws Exception {
        LoggerContext context = configure("json");

        assertQuiet(context);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) rootAppender(context);
        LayoutWrappingEncoder<ILoggingEvent> encoder =
                assertInstanceOf(LayoutWrappingEncoder.class, console.getEncoder());
        assertInstanceOf(JsonLayout.class, encoder.getLayout());
    }

    @Test
    void anUnknownFormatIsAWarningThatLogbackPrintsNamingTheMissingFile() throws Exception {
        LoggerContext context = configure("xml");

        StatusUtil status = new StatusUtil(context);
        assertTrue(status.getHighestLevel(0) >= Status.WARN, statusText(context));
        assertTrue(status.containsMatch(".*logback-console-xml\\.xml"), statusText(context));
    }

    @Test
    void theNodesClassPathHoldsOneLogbackXmlAndNoLogbackTestXml() throws Exception {
        // A second copy (another module's resources, a dependency's jar) makes logback warn and print its status.
        List<URL> configs = Collections.list(getClass().getClassLoader().getResources("logback.xml"));
        assertEquals(1, configs.size(), configs.toString());
        assertEquals(List.of(), Collections.list(getClass().getClassLoader().getResources("logback-test.xml")));
    }

    /** A fresh context (not the test JVM's own) configured from the node's logback.xml. */
    private static LoggerContext configure(String format) throws JoranException {
        LoggerContext context = new LoggerContext();
        if (format != null) {
            // Logback looks variables up in the context before the environment.
            context.putProperty("ROOKERY_LOG_FORMAT", format);
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL config = LogbackConfigTest.class.getClassLoader().getResource("logback.xml");
        assertNotNull(config, "no logback.xml on the class path");
        configurator.doConfigure(config);
        return context;
    }

    private static void assertQuiet(LoggerContext context) {
        assertTrue(new StatusUtil(context).getHighestLevel(0) < Status.WARN, statusText(context));
    }

    private static Appender<ILoggingEvent> rootAppender(LoggerContext context) {
        Appender<ILoggingEvent> console = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console");
        assertNotNull(console, "the root logger has no appender named console");
        assertTrue(console.isStarted());
        return console;
    }

    private static String statusText(LoggerContext context) {
        return context.getStatusManager().getCopyOfStatusList().stream()
                .map(Status::toString)
                .collect(Collectors.joining("\n"));
    }
}
