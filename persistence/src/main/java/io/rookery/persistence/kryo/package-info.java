/**
 * Kryo 5 serialization for everything Rookery persists or sends between nodes.
 *
 * <p>{@link io.rookery.persistence.kryo.RookeryKryoSerializer} is the Pekko serializer (identifier 7331) bound to
 * {@link io.rookery.persistence.kryo.KryoSerializable}. Kryo runs with registration required: every class written
 * has an explicit numeric id, given by a {@link io.rookery.persistence.kryo.KryoRegistrar} listed in
 * {@code rookery.kryo.registrars}. Only ids are written, never class names, so a class may be renamed or moved
 * freely while its id may never be reused for anything else.
 *
 * <p>Id ranges (append only):
 * <ul>
 *   <li>0-9: Kryo's own primitives and {@code String} (fixed by Kryo itself);</li>
 *   <li>10-99: JDK and common classes, typed {@code ActorRef} (this package, always registered);</li>
 *   <li>100-199: user events and snapshots ({@code io.rookery.persistence.user.UserEventsRegistrar},
 *       {@code io.rookery.persistence.user.ImEventsRegistrar});</li>
 *   <li>200-399: cluster-node messages;</li>
 *   <li>400-419: XEP-0045 room events ({@code io.rookery.persistence.muc.MucEventsRegistrar}), 420-449: room
 *       messages;</li>
 *   <li>450-459: XEP-0163 personal node events ({@code io.rookery.persistence.pep.PepEventsRegistrar});</li>
 *   <li>460-469: XEP-0060 service node events ({@code io.rookery.persistence.pubsub.PubSubEventsRegistrar}),
 *       470-479: node messages ({@code io.rookery.node.ext.pubsub.PubSubMessagesRegistrar});</li>
 *   <li>560-569: XEP-0357 push registration events ({@code io.rookery.persistence.push.PushEventsRegistrar}, listed
 *       by cluster-node under {@code rookery.kryo.module-registrars.push}).</li>
 * </ul>
 *
 * <p>Not supported: shared or cyclic object graphs (references are off; a graph deeper than
 * {@code rookery.kryo.max-depth} fails), classic (untyped) {@code ActorRef}s, Java serialization.
 */
package io.rookery.persistence.kryo;
