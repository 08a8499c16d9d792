package io.rookery.node.k8s;

import static io.rookery.node.k8s.Manifests.ROOT;
import static io.rookery.node.k8s.Manifests.render;
import static io.rookery.node.k8s.ManifestJson.at;
import static io.rookery.node.k8s.ManifestJson.describe;
import static io.rookery.node.k8s.ManifestJson.list;
import static io.rookery.node.k8s.ManifestJson.map;
import static io.rookery.node.k8s.ManifestJson.num;
import static io.rookery.node.k8s.ManifestJson.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The node image: {@code k8s/docker/Dockerfile} builds what the manifests run (see {@link ManifestsTest} for what the
 * Manifests*Test classes check and need).
 */
class ManifestsImageTest {

    // ---- the image -------------------------------------------------------------------------------------------------

    @Test
    void dockerfileBuildsWhatTheManifestsRun() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("k8s/docker/Dockerfile"));
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[\"java\", \"-cp\", \"([^\"]+)\", \"([\\w.]+)\"]")
                .matcher(dockerfile);
        assertTrue(entry.find(), "ENTRYPOINT java -cp CP MAIN");
        Class.forName(entry.group(2));
        assertEquals("io.rookery.node.RookeryNode", entry.group(2));
        Rendered r = render("production");
        Map<String, Object> job = r.one("Job", "rookery-schema");
        List<Object> command = list(at(map(list(at(podSpec(job), "containers")).get(0)), "command"));
        assertEquals(entry.group(1), command.get(command.indexOf("-cp") + 1), "the Job's classpath is the image's");
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)").matcher(dockerfile);
        assertTrue(user.find(), "USER uid:gid");
        for (Map<String, Object> owner : List.of(r.nodeDeployment(), job)) {
            assertEquals(Integer.parseInt(user.group(1)), num(at(podSpec(owner), "securityContext", "runAsUser")),
                    describe(owner) + " runs as the image's user");
        }
        Matcher expose = Pattern.compile("(?m)^EXPOSE ([\\d ]+)$").matcher(dockerfile);
        assertTrue(expose.find());
        Set<Integer> exposed = Stream.of(expose.group(1).trim().split(" +")).map(Integer::valueOf)
                .collect(Collectors.toSet());
        assertEquals(new TreeSet<>(exposed), new TreeSet<>(r.nodeContainerPorts()), "EXPOSE against the container ports");
        String admin = Files.readString(ROOT.resolve("k8s/docker/rookery-admin"));
        assertTrue(admin.contains("unset JAVA_TOOL_OPTIONS") && admin.contains("io.rookery.node.admin.AdminCli"));
        assertTrue(dockerfile.contains("COPY --chmod=0755 k8s/docker/rookery-admin"), "the image ships rookery-admin");
    }
}
