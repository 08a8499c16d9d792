/** XEP-0359 Unique and Stable Stanza IDs 0.7: the {@code <stanza-id/>} a server stamps on what it archives. */
package io.rookery.protocol.xep.sid;
