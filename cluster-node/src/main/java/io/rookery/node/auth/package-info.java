/**
 * Platform logins: accounts a platform keeps, logged in with its signed JWTs (OAUTHBEARER, RFC 7628) or with
 * passwords its HTTP service checks (PLAIN through a callout). Settings under {@code rookery.auth.jwt} and
 * {@code rookery.auth.callout}; the session side is {@code c2s.PlatformLoginSteps}.
 */
package io.rookery.node.auth;
