/**
 * XEP-0163 Personal Eventing Protocol 1.2 on every account, with the XEP-0060 1.26 subset it needs: publish (with
 * auto-create and §7.1.5 publish options), retract, item retrieval, node creation, configuration, deletion, purge
 * and affiliations (whitelists); notifications filtered by XEP-0115 capabilities ({@code +notify}). Node
 * configuration lives in the account's journal ({@link io.rookery.node.ext.pep.PepPart}), items in the pubsub item
 * store. Not supported yet: explicit subscriptions to a personal node, collection nodes, item expiry.
 */
package io.rookery.node.ext.pep;
