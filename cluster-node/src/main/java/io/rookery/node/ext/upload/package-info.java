/**
 * XEP-0363 HTTP file upload (module {@code upload}): slots requested from {@code upload.<domain>}, files put to and
 * got from the node's HTTP listeners, kept in an {@link io.rookery.node.ext.upload.UploadStore}: a local folder, or
 * an S3-compatible bucket reached with AWS Signature Version 4 (no AWS SDK).
 */
package io.rookery.node.ext.upload;
