/** XEP-0049 Private XML Storage 1.2. */
package io.rookery.protocol.xep.privatexml;
