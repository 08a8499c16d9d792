package io.rookery.node.cluster;

import io.rookery.node.routing.DeadLetterRescue;
import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.UserEntity;
import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;

/**
 * Kryo ids 200-299: the messages user entities and sessions exchange, which cross nodes whenever a session and its
 * user's entity live on different members. Records use Kryo's record layout (field by field, in declaration order):
 * these are never persisted, but nodes of two versions talk during a rolling upgrade, so a changed message is a new
 * record with a new id, as for events. Append only: the next free id is 254.
 */
public final class NodeMessagesRegistrar implements KryoRegistrar {

    @Override
    public void register(KryoRegistry registry) {
        registry.register(Element.class, 200, new WireSerializers.ElementSerializer());
        registry.register(Jid.class, 201, new WireSerializers.JidSerializer());
        registry.register(UserEntity.CreateAccount.class, 202);
        registry.register(UserEntity.ChangePassword.class, 203);
        registry.register(UserEntity.DeleteAccount.class, 204);
        registry.register(UserEntity.GetCredentials.class, 205);
        registry.register(UserEntity.BindResource.class, 206);
        registry.register(UserEntity.UnbindResource.class, 207);
        registry.register(UserEntity.OwnPresence.class, 208);
        // 209 was UserEntity.Deliver without the sender's confirmation (now 238).
        registry.register(UserEntity.OwnIq.class, 210);
        registry.register(UserEntity.OutboundSubscription.class, 211);
        registry.register(UserEntity.SentMessage.class, 212);
        registry.register(UserEntity.Reattach.class, 213);
        registry.register(UserEntity.AccountStatus.class, 214);
        registry.register(UserEntity.AccountResult.class, 215);
        registry.register(UserEntity.CredentialsResult.class, 216, new WireSerializers.CredentialsResultSerializer());
        registry.register(UserEntity.Bound.class, 217);
        registry.register(UserEntity.NoAccount.class, 218);
        registry.register(UserEntity.Superseded.class, 219);
        registry.register(SessionProtocol.Deliver.class, 220);
        registry.register(SessionProtocol.Kick.class, 221);
        registry.register(SessionProtocol.Kicked.class, 222);
        // 223 was SessionProtocol.BlocklistUpdated, replaced by PartMirrored.
        registry.register(UserEntity.Passivate.class, 224);
        registry.register(UserEntity.SessionStopped.class, 225);
        registry.register(UserEntity.Stop.class, 226);
        // 227 was UserEntity.SessionLost without the stream's SM-ID (now 240).
        registry.register(SessionProtocol.Unbound.class, 228);
        registry.register(SessionProtocol.PartMirrored.class, 229);
        registry.register(SessionProtocol.SentCopies.class, 230);
        registry.register(DeadLetterRescue.Rescue.class, 231);
        registry.register(UserEntity.SwapSession.class, 232);
        registry.register(UserEntity.ResumeSession.class, 233);
        registry.register(SessionProtocol.TakeOver.class, 234);
        // 235 was SessionProtocol.ResumeAnswer without 'recover' (now 239).
        registry.register(SessionProtocol.Handover.class, 236);
        registry.register(SessionProtocol.Handled.class, 237);
        // 238 was UserEntity.Deliver without the attempt (now 243).
        registry.register(SessionProtocol.ResumeAnswer.class, 239);
        registry.register(UserEntity.SessionLost.class, 240);
        registry.register(SessionProtocol.DeliverKept.class, 241);
        registry.register(UserEntity.StreamKept.class, 242);
        registry.register(UserEntity.Deliver.class, 243);
        registry.register(UserEntity.SetDisabled.class, 244);
        registry.register(UserEntity.GetLoginCredentials.class, 245);
        registry.register(UserEntity.LoginCredentials.class, 246, new WireSerializers.LoginCredentialsSerializer());
        registry.register(io.rookery.node.bosh.BoshRelay.Forward.class, 247);
        registry.register(io.rookery.node.bosh.BoshRelay.Reply.class, 248);
        registry.register(UserEntity.GetPart.class, 249);
        registry.register(UserEntity.PartRead.class, 250);
        registry.register(UserEntity.PersistPartEvents.class, 251);
        registry.register(UserEntity.PartEventsPersisted.class, 252);
        registry.register(UserEntity.ResourceDetached.class, 253);
    }
}
