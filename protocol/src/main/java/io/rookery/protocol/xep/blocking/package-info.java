/** XEP-0191 Blocking Command 1.3. */
package io.rookery.protocol.xep.blocking;
