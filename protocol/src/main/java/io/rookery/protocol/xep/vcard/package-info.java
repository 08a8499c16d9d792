/** XEP-0054 vcard-temp 1.2. */
package io.rookery.protocol.xep.vcard;
