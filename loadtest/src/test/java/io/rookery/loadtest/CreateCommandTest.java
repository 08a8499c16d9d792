package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CreateCommandTest {

    @Test
    void placeholdersBecomeSingleQuotedWords() {
        Options o = Options.parse("--scenario=idle", "--first=5", "--users=20", "--user=bot %d", "--domain=ex.org",
                "--password=a'b $c", "--create=command",
                "--create-command=bin/rookery admin user bulk {pattern} {users} {password} # {first} {domain}");
        assertEquals("bin/rookery admin user bulk 'bot %d' '20' 'a'\\''b $c' # '5' 'ex.org'",
                CreateCommand.render(o, o.password));
        assertEquals("bin/rookery admin user bulk 'bot %d' '20' '(password)' # '5' 'ex.org'",
                CreateCommand.render(o, CreateCommand.MASK));
    }

    @Test
    void quotedValuesReachTheShellUnchanged() throws Exception {
        for (String value : List.of("plain", "it's", "a b", "$HOME", "`id`", "\\", "'", "''", "\"x\"", "%d;ls")) {
            Process p = new ProcessBuilder("/bin/sh", "-c", "printf %s " + CreateCommand.quote(value)).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            assertEquals(value, out);
        }
    }
}
