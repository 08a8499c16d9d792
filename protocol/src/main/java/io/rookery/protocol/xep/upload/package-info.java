/** XEP-0363: HTTP file upload (slot requests and their answers). */
package io.rookery.protocol.xep.upload;
