package io.rookery.node.c2s;

/**
 * Where a session's output goes: the bytes of one step and the stage controls that follow them
 * ({@link ConnectionStage.Out}). The TCP connection stage is one transport; WebSocket and BOSH will be others, and
 * tests collect the output instead. Called on the session's own thread, once per handled message at most.
 */
interface SessionTransport {
    void write(ConnectionStage.Out out);
}
