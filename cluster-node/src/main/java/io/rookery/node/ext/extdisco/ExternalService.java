package io.rookery.node.ext.extdisco;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.rookery.protocol.xep.extdisco.ExtDisco;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One service of {@code rookery.modules.extdisco.services}. With a secret (coturn's {@code static-auth-secret}, its
 * {@code use-auth-secret} mode), each user gets short-term credentials as the TURN REST API draft
 * (draft-uberti-behave-turn-rest) defines them: username {@code <expiry in seconds since the epoch>:<bare JID>},
 * password the Base64 of HMAC-SHA1(secret, username), good for ttl. Without one, the configured username and
 * password (if any) are given as they are.
 */
record ExternalService(String type, String host, int port, String transport, String name, String secret,
        String username, String password, Duration ttl) {
    private static final String PATH = "rookery.modules.extdisco.services";

    static ExternalService from(Config c) {
        String type = c.getString("type");
        String host = c.getString("host");
        if (type.isEmpty() || host.isEmpty()) throw new ConfigException.BadValue(PATH, "each needs a type and a host");
        int port = c.hasPath("port") ? c.getInt("port") : 0;
        if (port < 0 || port > 65535) throw new ConfigException.BadValue(PATH, "port " + port);
        Duration ttl = c.hasPath("ttl") ? c.getDuration("ttl") : Duration.ofDays(1);
        if (ttl.toSeconds() < 60 || ttl.toDays() > 30) throw new ConfigException.BadValue(PATH, "ttl: 1 min to 30 d");
        return new ExternalService(type, host, port, string(c, "transport"), string(c, "name"), string(c, "secret"),
                string(c, "username"), string(c, "password"), ttl);
    }

    private static String string(Config c, String key) {
        return c.hasPath(key) && !c.getString(key).isEmpty() ? c.getString(key) : null;
    }

    /** The service as the user sees it, with credentials for that user when the service takes them. */
    ExtDisco.Service forUser(String bareJid, Instant now) {
        if (secret == null) return new ExtDisco.Service(type, host, port, transport, name, username, password, null);
        Instant expires = now.plus(ttl);
        String user = expires.getEpochSecond() + ":" + bareJid;
        return new ExtDisco.Service(type, host, port, transport, name, user, turnPassword(secret, user), expires);
    }

    /** Base64(HMAC-SHA1(secret, username)), what coturn computes in its use-auth-secret mode. */
    static String turnPassword(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /** Never prints the secret or the password. */
    @Override
    public String toString() {
        return "ExternalService[" + type + " " + host + ":" + port + "/" + transport + "]";
    }
}
