/** XEP-0237 Roster Versioning 1.3. */
package io.rookery.protocol.xep.rosterver;
