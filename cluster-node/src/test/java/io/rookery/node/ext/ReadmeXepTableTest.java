package io.rookery.node.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's table of supported specifications names exactly the XEPs, with their versions, that the modules
 * Rookery ships (those off by default included) and the core declare: a XEP in one and not the other fails here.
 */
class ReadmeXepTableTest {
    private static final Pattern XEP = Pattern.compile("XEP-(\\d{4})(?: (\\d+(?:\\.\\d+)*))?");

    private static Path readme() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("README.md")) && Files.exists(p.resolve("cluster-node"))) {
                return p.resolve("README.md");
            }
        }
        throw new IllegalStateException("no README.md above " + here);
    }

    /** "XEP-0160 1.0.1" for each XEP in the first column of the "What is supported" table. */
    static TreeSet<String> readmeXeps(List<String> lines) {
        TreeSet<String> found = new TreeSet<>();
        boolean inSection = false;
        for (String line : lines) {
            if (line.startsWith("## ")) inSection = line.equals("## What is supported");
            if (!inSection || !line.startsWith("| ")) continue;
            String first = line.substring(2, line.indexOf(" |", 1));
            Matcher m = XEP.matcher(first);
            while (m.find()) found.add(("XEP-" + m.group(1) + " " + (m.group(2) == null ? "" : m.group(2))).trim());
        }
        return found;
    }

    static TreeSet<String> declared(List<Xep> xeps) {
        TreeSet<String> set = new TreeSet<>();
        for (Xep x : xeps) if (x.spec().startsWith("XEP-")) set.add((x.spec() + " " + x.version()).trim());
        return set;
    }

    @Test
    void theReadmeListsExactlyTheXepsTheModulesAndTheCoreDeclare() throws IOException {
        // Every module Rookery ships, those off by default too (upload needs the HTTP listeners, also off).
        com.typesafe.config.Config all = ConfigFactory.defaultReference();
        for (var e : all.getConfig("rookery.modules").root().entrySet()) {
            if (e.getValue() instanceof com.typesafe.config.ConfigObject) {
                all = all.withValue("rookery.modules." + e.getKey() + ".enabled",
                        com.typesafe.config.ConfigValueFactory.fromAnyRef(true));
            }
        }
        Modules modules = Modules.fromConfig(all, Clock.systemUTC(), Instant.now());
        TreeSet<String> declared = declared(modules.xeps());
        declared.addAll(declared(Modules.CORE_XEPS));
        TreeSet<String> inReadme = readmeXeps(Files.readAllLines(readme()));
        assertTrue(inReadme.size() >= 15, () -> "the table was not found or not parsed: " + inReadme);
        assertEquals(declared, inReadme, "README.md's 'What is supported' table against the modules' declarations");
    }

    @Test
    void theCheckSeesAXepMissingFromTheReadme() {
        List<String> table = List.of("## What is supported", "", "| specification | what |", "| --- | --- |",
                "| XEP-0160 1.0.1 / XEP-0203 2.0 | offline |", "| XEP-0368 | direct TLS |", "## Next");
        assertEquals(new TreeSet<>(List.of("XEP-0160 1.0.1", "XEP-0203 2.0", "XEP-0368")), readmeXeps(table));
        TreeSet<String> declared = declared(List.of(Xep.xep(160, "1.0.1", ""), Xep.xep(203, "2.0", ""),
                new Xep("XEP-0368", "", ""), Xep.xep(199, "2.0.1", "")));
        assertTrue(!declared.equals(readmeXeps(table)));
    }
}
