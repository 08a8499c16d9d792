package io.rookery.node.k8s;

import static io.rookery.node.k8s.Manifests.render;
import static io.rookery.node.k8s.ManifestJson.at;
import static io.rookery.node.k8s.ManifestJson.containerPort;
import static io.rookery.node.k8s.ManifestJson.describe;
import static io.rookery.node.k8s.ManifestJson.list;
import static io.rookery.node.k8s.ManifestJson.map;
import static io.rookery.node.k8s.ManifestJson.matches;
import static io.rookery.node.k8s.ManifestJson.num;
import static io.rookery.node.k8s.ManifestJson.servicePorts;
import static io.rookery.node.k8s.ManifestJson.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The node's ports, probes and Services in {@code k8s/}: the ones the node listens on and serves (see
 * {@link ManifestsTest} for what the Manifests*Test classes check and need).
 */
class ManifestsPortsTest {

    // ---- ports, probes, services ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void containerPortsAreTheOnesTheNodeListensOn(String overlay) {
        Rendered r = render(overlay);
        Config c = r.nodeConfig();
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("xmpp-client", c.getInt("rookery.c2s.starttls.port"));
        expected.put("xmpps-client", c.getInt("rookery.c2s.direct-tls.port"));
        assertTrue(c.getBoolean("rookery.s2s.enabled"), "federation is on in the manifests");
        expected.put("xmpp-server", c.getInt("rookery.s2s.starttls.port"));
        expected.put("xmpps-server", c.getInt("rookery.s2s.direct-tls.port"));
        assertTrue(c.getBoolean("rookery.http.enabled"), "the manifests switch the HTTP listeners on");
        expected.put("https-web", c.getInt("rookery.http.tls.port"));
        expected.put("remoting", c.getInt("pekko.remote.artery.canonical.port"));
        expected.put("management", c.getInt("rookery.management.port"));
        expected.put("metrics", c.getInt("rookery.metrics.port"));
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (Object p : list(r.nodeContainer().get("ports"))) actual.put(str(p, "name"), num(at(p, "containerPort")));
        assertEquals(expected, actual,
                "container ports against the node's settings (reference.conf plus the manifests' env)");
        assertEquals(Map.of("xmpp-client", 5222, "xmpps-client", 5223, "xmpp-server", 5269, "xmpps-server", 5270,
                "https-web", 5443, "remoting", 25520, "management", 7626,
                "metrics", 9464), actual, "the ports k8s/README.md documents");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void probesAskReadyAndAliveOnTheManagementPort(String overlay) {
        Rendered r = render(overlay);
        Config lib = ConfigFactory.defaultReference();
        String base = lib.getString("pekko.management.http.base-path");
        String prefix = base.isEmpty() ? "/" : "/" + base + "/";
        Map<String, String> expected = Map.of(
                "readinessProbe", prefix + lib.getString("pekko.management.health-checks.readiness-path"),
                "livenessProbe", prefix + lib.getString("pekko.management.health-checks.liveness-path"),
                "startupProbe", prefix + lib.getString("pekko.management.health-checks.liveness-path"));
        assertEquals("/ready", expected.get("readinessProbe"));
        assertEquals("/alive", expected.get("livenessProbe"));
        Map<String, Object> node = r.nodeContainer();
        int management = r.nodeConfig().getInt("rookery.management.port");
        expected.forEach((probe, path) -> {
            Object get = at(node, probe, "httpGet");
            assertNotNull(get, probe + " must be an httpGet probe");
            assertEquals(path, str(get, "path"), probe + " path");
            assertEquals(management, containerPort(node, at(get, "port")), probe + " must ask the management port");
        });
        int startup = num(at(node, "startupProbe", "failureThreshold")) * num(at(node, "startupProbe", "periodSeconds"));
        assertTrue(startup >= 120,
                "the startup probe must allow at least two minutes (Cassandra, heap pre-touch)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void servicesSelectTheNodesAndTargetTheirPorts(String overlay) {
        Rendered r = render(overlay);
        Map<String, Object> labels = map(at(r.nodeDeployment(), "spec", "template", "metadata", "labels"));
        Map<String, Object> node = r.nodeContainer();
        Map<String, Object> c2s = r.one("Service", "rookery-c2s");
        Map<String, Object> internal = r.one("Service", "rookery-internal");
        Map<String, Object> s2s = r.one("Service", "rookery-s2s");
        for (Map<String, Object> svc : List.of(c2s, s2s, internal)) {
            assertTrue(matches(map(at(svc, "spec", "selector")), labels), describe(svc) + " must select the node pods");
            for (Object p : list(at(svc, "spec", "ports"))) {
                assertTrue(containerPort(node, at(p, "targetPort")) > 0,
                        describe(svc) + " port " + str(p, "name") + " targets no container port of the node");
            }
        }
        assertEquals(Set.of(5222, 5223, 5443), servicePorts(c2s), "c2s Service ports");
        assertEquals(Set.of(5269, 5270), servicePorts(s2s), "s2s Service ports");
        assertTrue(servicePorts(internal).containsAll(Set.of(7626, 9464)), "internal Service: management and metrics");
        assertEquals("None", str(internal, "spec", "clusterIP"), "the internal Service is headless");
        String type = str(c2s, "spec", "type");
        if (overlay.equals("production")) {
            assertEquals("LoadBalancer", type);
            assertEquals("LoadBalancer", str(s2s, "spec", "type"));
        } else {
            assertTrue(Set.of("ClusterIP", "NodePort").contains(type), "dev c2s Service type: " + type);
        }
    }
}
