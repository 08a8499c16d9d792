/**
 * XEP-0050 Ad-Hoc Commands 1.3.0 and XEP-0133 Service Administration 1.3.0 on the server: add-user, delete-user,
 * disable-user, reenable-user, change-user-password, get-registered-users-num, get-online-users-num and announce,
 * for the bare JIDs in {@code rookery.modules.adhoc.admins} (nobody when empty; everyone else is refused with
 * forbidden and sees an empty command list).
 *
 * <p>Each command has one stage: its form (XEP-0050 §3.4.2, with complete as the only action), then its submission,
 * which completes it; a first request that already carries the filled-in form completes at once. Session ids are
 * sealed rather than stored ({@link io.rookery.node.ext.adhoc.SessionIds}): no memory or timer per session, good for
 * {@code session-timeout} on the node that issued them.
 *
 * <p>Online users are counted over the whole cluster from the session records every node writes (as of their last
 * flush); an announcement is a headline message to every session in those records, one announcement at a time per
 * node. Disabling an account ends its sessions and makes its logins fail with account-disabled (RFC 6120 §6.5.1)
 * once the password proved right.
 *
 * <p>Not supported: the other XEP-0133 commands (end-user-session, get-user-password, which SCRAM keys could not
 * answer anyway, rosters, statistics, lists of users, blacklists and whitelists, message of the day, welcome
 * message, admin list, restart and shutdown), the email and name fields of add-user (not stored), more than one
 * stage or prev/next, languages other than English, commands of accounts or of services on subdomains.
 */
package io.rookery.node.ext.adhoc;
