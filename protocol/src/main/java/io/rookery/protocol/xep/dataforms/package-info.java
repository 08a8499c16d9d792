/** XEP-0004 Data Forms 2.13: only what query forms need (a submitted form's fields, a form to fill in). */
package io.rookery.protocol.xep.dataforms;
