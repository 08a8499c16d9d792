package io.rookery.node.k8s;

import static io.rookery.node.k8s.Manifests.render;
import static io.rookery.node.k8s.Manifests.variablesTheNodeReads;
import static io.rookery.node.k8s.ManifestJson.at;
import static io.rookery.node.k8s.ManifestJson.describe;
import static io.rookery.node.k8s.ManifestJson.envEntry;
import static io.rookery.node.k8s.ManifestJson.imageOf;
import static io.rookery.node.k8s.ManifestJson.list;
import static io.rookery.node.k8s.ManifestJson.map;
import static io.rookery.node.k8s.ManifestJson.num;
import static io.rookery.node.k8s.ManifestJson.podSpec;
import static io.rookery.node.k8s.ManifestJson.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.rookery.node.config.RookerySettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests in {@code k8s/}, checked offline: each overlay renders with {@code kubectl kustomize};
 * every rendered object passes the Kubernetes API schemas ({@code k8s/validate}, npm kubernetes-models; the
 * ServiceMonitor and PrometheusRule are CRDs, checked against @kubernetes-models/prometheus-operator, the models
 * generated from the prometheus-operator CRDs' OpenAPI schemas); and the manifests agree with the node: the
 * variables they set are ones the node reads, the ports and probe paths are the ones it serves, the discovery selector
 * picks exactly the node pods, the dashboard and alerts use metrics the node exports. Needs kubectl and node/npm on
 * the PATH (and the npm registry or npm's cache on first run); without them it fails, it does not skip.
 *
 * <p>The checks are split by concern: this class has the schemas and the node's settings; {@link ManifestsPortsTest}
 * ports, probes and Services; {@link ManifestsClusterTest} cluster formation and shutdown;
 * {@link ManifestsMonitoringTest} the dashboard, alerts and ServiceMonitor; {@link ManifestsImageTest} the image.
 * They share the rendering and validation through {@link Manifests} (once per overlay and test JVM).
 */
class ManifestsTest {

    // ---- schemas -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void everyRenderedObjectPassesTheKubernetesSchemas(String overlay) {
        Rendered r = render(overlay);
        assertEquals(0, r.validatorExit(), () -> "k8s/overlays/" + overlay
                + " has objects the Kubernetes schemas refuse:\n" + r.validatorOutput());
        assertTrue(r.objects().size() >= 10, () -> "only " + r.objects().size() + " objects rendered");
    }

    // ---- the node's settings -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void everyRookeryVariableInTheManifestsIsOneTheNodeReads(String overlay) throws IOException {
        Rendered r = render(overlay);
        Set<String> read = variablesTheNodeReads();
        List<String> unknown = new ArrayList<>();
        for (Map<String, Object> workload : r.podTemplateOwners()) {
            for (Object c : list(at(podSpec(workload), "containers"))) {
                for (String name : r.env(workload, map(c)).keySet()) {
                    if (name.startsWith("ROOKERY_") && !read.contains(name)) {
                        unknown.add(name + " (" + describe(workload) + ", container " + str(c, "name") + ")");
                    }
                }
            }
        }
        assertTrue(unknown.isEmpty(), () -> "k8s/overlays/" + overlay + " sets variables the node does not read: "
                + unknown + ". Each must appear as ${?NAME} in cluster-node/src/main/resources/reference.conf (or "
                + "${NAME} in logback.xml); until it does the node ignores it.");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void nodesFormTheClusterThroughBootstrapOnTheirPodAddress(String overlay) {
        Rendered r = render(overlay);
        Map<String, Object> node = r.nodeContainer();
        Config c = r.nodeConfig();
        assertTrue(c.getBoolean("rookery.cluster.bootstrap"), "ROOKERY_CLUSTER_BOOTSTRAP must be on");
        assertEquals("kubernetes-api",
                c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
        for (String v : List.of("ROOKERY_CLUSTER_HOSTNAME", "ROOKERY_MANAGEMENT_HOSTNAME")) {
            assertEquals("status.podIP", str(envEntry(node, v), "valueFrom", "fieldRef", "fieldPath"),
                    v + " must come from the downward API (status.podIP): peers and probes reach the pod there");
        }
        String metrics = c.getString("rookery.metrics.interface");
        assertFalse(metrics.startsWith("127.") || metrics.equals("localhost") || metrics.equals("::1"),
                "rookery.metrics.interface is " + metrics
                        + ": Prometheus could not scrape it; set ROOKERY_METRICS_INTERFACE");
        assertTrue(c.getBoolean("rookery.metrics.enabled"), "metrics must be enabled");
        // The node's own checks (bounds, keyspace name) accept these settings.
        RookerySettings.from(c);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void nodesUseExternalCassandraAndTheJobAppliesTheSchema(String overlay) throws Exception {
        Rendered r = render(overlay);
        Config node = r.nodeConfig();
        assertFalse(node.getBoolean("rookery.cassandra.embedded.enabled"), "ROOKERY_CASSANDRA_EMBEDDED must be off");
        assertFalse(node.getBoolean("rookery.cassandra.apply-schema"),
                "ROOKERY_CASSANDRA_APPLY_SCHEMA must be off on the nodes: the Job applies the schema");

        Map<String, Object> job = r.one("Job", "rookery-schema");
        Map<String, Object> container = map(list(at(podSpec(job), "containers")).get(0));
        List<String> command = list(container.get("command")).stream().map(String::valueOf).toList();
        int main = command.indexOf("io.rookery.node.admin.AdminCli");
        assertTrue(main > 0 && command.subList(main + 1, command.size()).equals(List.of("schema", "apply")),
                "the Job must run AdminCli schema apply: " + command);
        Class.forName("io.rookery.node.admin.AdminCli");
        assertEquals(imageOf(r.nodeContainer()), imageOf(container), "the Job must run the node's image");

        Config schema = r.config(r.env(job, container));
        assertFalse(schema.getBoolean("rookery.cassandra.embedded.enabled"), "the Job must not start embedded Cassandra");
        for (String key : List.of("contact-points", "datacenter", "keyspace", "replication")) {
            assertEquals(node.getValue("rookery.cassandra." + key).unwrapped(),
                    schema.getValue("rookery.cassandra." + key).unwrapped(),
                    "the Job and the nodes must agree on rookery.cassandra." + key);
        }
        String keyspace = node.getString("rookery.cassandra.keyspace");
        assertTrue(keyspace.matches("[a-z_][a-z0-9_]{0,47}"), "not a valid keyspace name: " + keyspace);
        String replication = node.getString("rookery.cassandra.replication");
        String datacenter = node.getString("rookery.cassandra.datacenter");
        if (!replication.matches("SimpleStrategy:\\d+")) {
            assertTrue(replication.matches("[A-Za-z0-9_\\-]+:\\d+(,[A-Za-z0-9_\\-]+:\\d+)*"),
                    "ROOKERY_CASSANDRA_REPLICATION is neither SimpleStrategy:N nor dc:N,...: " + replication);
            Set<String> dcs = Stream.of(replication.split(",")).map(p -> p.split(":")[0]).collect(Collectors.toSet());
            assertTrue(dcs.contains(datacenter), "the local datacenter " + datacenter
                    + " has no replicas in ROOKERY_CASSANDRA_REPLICATION=" + replication);
        }

        // A contact point naming a Service of this overlay must hit one of its ports.
        List<String> contactPoints = node.getValue("rookery.cassandra.contact-points").valueType() == ConfigValueType.LIST
                ? node.getStringList("rookery.cassandra.contact-points")
                : List.of(node.getString("rookery.cassandra.contact-points").split("\\s*,\\s*"));
        assertFalse(contactPoints.isEmpty() || contactPoints.contains("127.0.0.1:9042"),
                "contact points: " + contactPoints);
        for (String cp : contactPoints) {
            String[] hp = cp.split(":");
            Map<String, Object> svc = r.find("Service", hp[0].split("\\.")[0]);
            if (svc == null) continue;
            int port = hp.length > 1 ? Integer.parseInt(hp[1]) : 9042;
            assertTrue(list(at(svc, "spec", "ports")).stream().anyMatch(p -> num(at(p, "port")) == port),
                    "contact point " + cp + ": Service " + hp[0] + " has no port " + port);
        }
        List<Map<String, Object>> cassandras = r.all("StatefulSet").stream()
                .filter(s -> str(list(at(podSpec(s), "containers")).get(0), "image").startsWith("cassandra:")).toList();
        if (overlay.equals("dev")) {
            assertEquals(1, cassandras.size(), "dev runs one Cassandra StatefulSet");
            Map<String, Object> cass = cassandras.get(0);
            assertEquals(1, num(at(cass, "spec", "replicas")));
            Map<String, Object> cc = map(list(at(podSpec(cass), "containers")).get(0));
            assertEquals("cassandra:5.0", str(cc, "image"));
            assertEquals(datacenter, str(envEntry(cc, "CASSANDRA_DC"), "value"), "the driver's local datacenter");
        } else {
            assertTrue(cassandras.isEmpty(), "production uses an external Cassandra");
        }
    }
}
