package io.rookery.node.routing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Silences Pekko's own line for each command an entity's full stash drops ("Stash buffer is full, dropping
 * message"): a flood writes thousands a second. {@link OverloadBounce} answers each drop, counts it and logs one
 * line per ten seconds ({@code entity-stash-full}) instead.
 */
public final class StashOverflowLogFilter extends TurboFilter {
    private static final String PEKKO_LINE = "Stash buffer is full, dropping message";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        return level == Level.WARN && format != null && format.startsWith(PEKKO_LINE) ? FilterReply.DENY
                : FilterReply.NEUTRAL;
    }
}
