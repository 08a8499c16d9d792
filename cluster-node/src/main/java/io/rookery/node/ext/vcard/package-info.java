/**
 * XEP-0054 vcard-temp 1.2: declared here; vCards are stored and answered by the user entity (io.rookery.node.user.VCardTemp).
 */
package io.rookery.node.ext.vcard;
