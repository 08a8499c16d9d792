package io.rookery.node.ext.version;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.node.ext.disco.DiscoModule;
import io.rookery.protocol.xep.version.SoftwareVersion;

public final class VersionModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        VersionSettings settings = VersionSettings.from(context.config());
        String v = VersionModule.class.getPackage().getImplementationVersion();
        String version = v == null || v.isBlank() ? "dev" : v;
        String os = settings.showOs() ? System.getProperty("os.name", "unknown") : null;
        d.implementsXep(Xep.xep(92, "1.1", "software version of the server"))
                .discoFeature(Discoverable.SERVER, SoftwareVersion.NS)
                .iq(AddressKind.SERVER, IqType.GET, "query", SoftwareVersion.NS,
                        r -> IqOutcome.result(r.iq(), SoftwareVersion.result(DiscoModule.SERVER_NAME, version, os)));
    }
}
