package io.rookery.node.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rookery.components: defaults, and each domain's secret from the configuration, a file or the environment. */
class ComponentSettingsTest {

    private static Config with(String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void theDefaultsAreOffOnLoopbackPort5347WithNoDomain() {
        ComponentSettings s = ComponentSettings.from(with(""), name -> null);
        assertFalse(s.enabled());
        assertEquals("127.0.0.1", s.iface());
        assertEquals(5347, s.port());
        assertTrue(s.secrets().isEmpty());
    }

    @Test
    void secretsComeFromTheConfigurationAFileOrTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("irc.secret"), "  from a file\n");
        ComponentSettings s = ComponentSettings.from(with("""
                rookery.components.domains {
                  "Echo.Example.org" { secret = "in the config" }
                  "irc.example.org" { secret-file = "%s" }
                  "bot.example.org" { secret-env = "BOT_SECRET" }
                }
                """.formatted(file.toString().replace("\\", "\\\\"))), Map.of("BOT_SECRET", "from the env")::get);
        assertEquals("in the config", s.secretOf("echo.example.org"));
        assertEquals("from a file", s.secretOf("irc.example.org"));
        assertEquals("from the env", s.secretOf("bot.example.org"));
        assertFalse(s.toString().contains("from"), "secrets stay out of toString: " + s);
    }

    @Test
    void aDomainNeedsExactlyOneNonEmptySecret() {
        assertThrows(IllegalArgumentException.class, () -> ComponentSettings.from(with(
                "rookery.components.domains.\"a.example\" {}"), n -> null));
        assertThrows(IllegalArgumentException.class, () -> ComponentSettings.from(with(
                "rookery.components.domains.\"a.example\" { secret = x, secret-env = Y }"), n -> null));
        assertThrows(IllegalArgumentException.class, () -> ComponentSettings.from(with(
                "rookery.components.domains.\"a.example\" { secret-env = UNSET }"), n -> null));
        assertThrows(IllegalArgumentException.class, () -> ComponentSettings.from(with(
                "rookery.components.domains.\"a.example\" { secret = \"\" }"), n -> null));
        assertThrows(IllegalArgumentException.class, () -> ComponentSettings.from(with(
                "rookery.components.domains.\"user@a.example\" { secret = x }"), n -> null));
    }
}
