package io.rookery.node.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per line for log collectors (ROOKERY_LOG_FORMAT=json): time, level, logger, thread, the stable
 * event key (the message's first word, e.g. {@code node-started}), the whole message, MDC entries and the stack trace.
 * Rookery's messages carry identifiers and sizes, never passwords or message bodies.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {

    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"ts\":\"").append(Instant.ofEpochMilli(e.getTimeStamp())).append('"');
        field(sb, "level", e.getLevel().toString());
        field(sb, "logger", e.getLoggerName());
        field(sb, "thread", e.getThreadName());
        String message = e.getFormattedMessage();
        field(sb, "event", eventKey(message));
        field(sb, "msg", message);
        Map<String, String> mdc = e.getMDCPropertyMap();
        if (mdc != null) mdc.forEach((k, v) -> field(sb, k, v));
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) field(sb, "error", ThrowableProxyUtil.asString(t));
        return sb.append("}\n").toString();
    }

    /** The first word when it looks like a key (letters, digits, dashes); otherwise "log". */
    static String eventKey(String message) {
        if (message == null || message.isEmpty()) return "log";
        int end = 0;
        while (end < message.length() && message.charAt(end) != ' ') end++;
        String first = message.substring(0, end);
        return first.matches("[a-z][a-z0-9]*(-[a-z0-9]+)+") ? first : "log";
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(",\"");
        escape(sb, name);
        sb.append("\":");
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        escape(sb, value);
        sb.append('"');
    }

    static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
    }
}
