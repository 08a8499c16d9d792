package io.rookery.node.s2s;

import java.security.SecureRandom;
import java.util.Base64;
import org.apache.pekko.actor.ActorRef;

/**
 * The writing end of a stream an actor owns over an {@link S2sStage} (a server's inbound stream, a component's): it
 * writes in order once the stage is there, and closes the stream once. Not thread-safe: the owning actor's.
 */
public final class StreamWriter {
    private static final SecureRandom IDS = new SecureRandom();
    private ActorRef stage;
    private boolean closing;

    /** The stage is running ({@link S2sStage.Ready}). */
    public void attach(ActorRef stage) {
        this.stage = stage;
    }

    /** The stream is ending: nothing but its end is written any more. */
    public boolean closing() {
        return closing;
    }

    public void write(String xml) {
        write(xml, 0);
    }

    /** Writes, then applies {@link S2sStage.Write}'s controls. */
    public void write(String xml, int controls) {
        if (stage != null) stage.tell(new S2sStage.Write(xml, controls), ActorRef.noSender());
    }

    /**
     * Ends the stream: {@code last} (a stream error, with the header before it if none was sent; may be empty), the
     * closing tag, then the connection. False when it is ending already.
     */
    public boolean close(String last) {
        if (closing) return false;
        closing = true;
        write(last + "</stream:stream>", S2sStage.Write.CLOSE);
        return true;
    }

    /** A fresh stream id: 96 random bits, URL-safe Base64 (RFC 6120 §4.7.3: unique and unpredictable). */
    public static String newId() {
        byte[] b = new byte[12];
        IDS.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
