package io.rookery.node.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueType;
import io.rookery.node.config.RookerySettings;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
 */
class ManifestsTest {
    private static final Path ROOT = repositoryRoot();
    private static final Path BUILD = buildDirectory();
    private static final Path REFERENCE_CONF = ROOT.resolve("cluster-node/src/main/resources/reference.conf");
    private static final Path LOGBACK_XML = ROOT.resolve("cluster-node/src/main/resources/logback.xml");
    private static final Map<String, Rendered> RENDERED = new HashMap<>();
    private static Path validator;

    /** Metrics the dashboard must show: the node's own (issue 7) and two JVM ones. */
    private static final List<String> DASHBOARD_METRICS = List.of(
            "xmpp_c2s_connections", "xmpp_c2s_sessions", "xmpp_c2s_tls_handshakes_total", "xmpp_sasl_auth_total",
            "xmpp_stanzas_in_total", "xmpp_stanzas_out_total", "xmpp_routing_latency_seconds",
            "xmpp_stream_errors_total", "xmpp_offline_messages_stored_total", "xmpp_offline_queue_size",
            "rookery_user_entities", "rookery_shards", "rookery_cluster_members", "rookery_cluster_unreachable_members",
            "rookery_persistence_write_seconds", "rookery_persistence_recovery_seconds",
            "rookery_persistence_failures_total", "rookery_cassandra_errors_total", "jvm_memory_used_bytes",
            "jvm_gc_collection_seconds");

    /** What prometheus-metrics-instrumentation-jvm 1.10 exports (JvmMetrics.builder().register()). */
    private static final Set<String> JVM_METRICS = Set.of(
            "jvm_buffer_pool_capacity_bytes", "jvm_buffer_pool_used_buffers", "jvm_buffer_pool_used_bytes",
            "jvm_classes_currently_loaded", "jvm_classes_loaded_total", "jvm_classes_unloaded_total",
            "jvm_gc_collection_seconds", "jvm_memory_committed_bytes", "jvm_memory_init_bytes",
            "jvm_memory_max_bytes", "jvm_memory_pool_committed_bytes", "jvm_memory_pool_init_bytes",
            "jvm_memory_pool_max_bytes", "jvm_memory_pool_used_bytes", "jvm_memory_used_bytes", "jvm_runtime_info",
            "jvm_threads_current", "jvm_threads_daemon", "jvm_threads_deadlocked", "jvm_threads_deadlocked_monitor",
            "jvm_threads_peak", "jvm_threads_started_total", "jvm_threads_state", "process_cpu_seconds_total",
            "process_max_fds", "process_open_fds", "process_resident_memory_bytes", "process_start_time_seconds",
            "process_virtual_memory_bytes");

    // ---- schemas -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void everyRenderedObjectPassesTheKubernetesSchemas(String overlay) {
        Rendered r = render(overlay);
        assertEquals(0, r.validatorExit, () -> "k8s/overlays/" + overlay + " has objects the Kubernetes schemas refuse:\n"
                + r.validatorOutput);
        assertTrue(r.objects.size() >= 10, () -> "only " + r.objects.size() + " objects rendered");
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

    // ---- ports, probes, services ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void containerPortsAreTheOnesTheNodeListensOn(String overlay) {
        Rendered r = render(overlay);
        Config c = r.nodeConfig();
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("xmpp-client", c.getInt("rookery.c2s.starttls.port"));
        expected.put("xmpps-client", c.getInt("rookery.c2s.direct-tls.port"));
        expected.put("remoting", c.getInt("pekko.remote.artery.canonical.port"));
        expected.put("management", c.getInt("rookery.management.port"));
        expected.put("metrics", c.getInt("rookery.metrics.port"));
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (Object p : list(r.nodeContainer().get("ports"))) actual.put(str(p, "name"), num(at(p, "containerPort")));
        assertEquals(expected, actual,
                "container ports against the node's settings (reference.conf plus the manifests' env)");
        assertEquals(Map.of("xmpp-client", 5222, "xmpps-client", 5223, "remoting", 25520, "management", 7626,
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
        for (Map<String, Object> svc : List.of(c2s, internal)) {
            assertTrue(matches(map(at(svc, "spec", "selector")), labels), describe(svc) + " must select the node pods");
            for (Object p : list(at(svc, "spec", "ports"))) {
                assertTrue(containerPort(node, at(p, "targetPort")) > 0,
                        describe(svc) + " port " + str(p, "name") + " targets no container port of the node");
            }
        }
        assertEquals(Set.of(5222, 5223), servicePorts(c2s), "c2s Service ports");
        assertTrue(servicePorts(internal).containsAll(Set.of(7626, 9464)), "internal Service: management and metrics");
        assertEquals("None", str(internal, "spec", "clusterIP"), "the internal Service is headless");
        String type = str(c2s, "spec", "type");
        if (overlay.equals("production")) {
            assertEquals("LoadBalancer", type);
        } else {
            assertTrue(Set.of("ClusterIP", "NodePort").contains(type), "dev c2s Service type: " + type);
        }
    }

    // ---- cluster formation and shutdown ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void discoverySelectorPicksExactlyTheNodePods(String overlay) {
        Rendered r = render(overlay);
        String selector = r.nodeConfig().getString("pekko.discovery.kubernetes-api.pod-label-selector");
        Map<String, Object> wanted = new LinkedHashMap<>();
        for (String term : selector.split(",")) {
            String[] kv = term.trim().split("=");
            assertTrue(kv.length == 2 && !kv[0].endsWith("!"), "only k=v selectors are checked here: " + selector);
            wanted.put(kv[0], kv[1]);
        }
        for (Map<String, Object> owner : r.podTemplateOwners()) {
            boolean isNode = owner == r.nodeDeployment();
            Map<String, Object> labels = map(at(podTemplate(owner), "metadata", "labels"));
            assertEquals(isNode, matches(wanted, labels), () -> describe(owner) + (isNode
                    ? " pods must match the discovery selector " + selector
                    : " pods must not match the discovery selector " + selector + ": bootstrap would take them for peers"));
        }
        assertEquals("app.kubernetes.io/name=rookery", selector);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void theNodesMayListPodsInTheirNamespace(String overlay) {
        Rendered r = render(overlay);
        String account = str(podSpec(r.nodeDeployment()), "serviceAccountName");
        assertNotNull(account, "the nodes need their own service account");
        r.one("ServiceAccount", account);
        boolean granted = false;
        for (Map<String, Object> binding : r.all("RoleBinding")) {
            boolean bindsAccount = list(at(binding, "subjects")).stream().anyMatch(s ->
                    "ServiceAccount".equals(str(s, "kind")) && account.equals(str(s, "name")));
            if (!bindsAccount || !"Role".equals(str(binding, "roleRef", "kind"))) continue;
            Map<String, Object> role = r.one("Role", str(binding, "roleRef", "name"));
            for (Object rule : list(at(role, "rules"))) {
                if (list(at(rule, "apiGroups")).contains("") && list(at(rule, "resources")).contains("pods")
                        && list(at(rule, "verbs")).containsAll(List.of("get", "list", "watch"))) {
                    granted = true;
                }
            }
        }
        assertTrue(granted, "a Role bound to " + account
                + " must allow get, list, watch on pods (Kubernetes API discovery)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void replicasDisruptionBudgetAndRolloutKeepAMajority(String overlay) {
        Rendered r = render(overlay);
        Map<String, Object> d = r.nodeDeployment();
        int replicas = num(at(d, "spec", "replicas"));
        int required = r.nodeConfig().getInt("rookery.cluster.required-contact-points");
        assertTrue(replicas >= required, "replicas " + replicas + " < required contact points " + required
                + ": bootstrap would never form a new cluster");
        assertTrue(required > replicas / 2, "required contact points " + required + " must be a majority of " + replicas);
        assertEquals(0, num(at(d, "spec", "strategy", "rollingUpdate", "maxUnavailable")), "roll with surge, not gaps");
        Map<String, Object> labels = map(at(d, "spec", "template", "metadata", "labels"));
        List<Map<String, Object>> budgets = r.all("PodDisruptionBudget").stream()
                .filter(p -> matches(map(at(p, "spec", "selector", "matchLabels")), labels)).toList();
        assertEquals(1, budgets.size(), "one PodDisruptionBudget for the nodes");
        assertEquals(1, num(at(budgets.get(0), "spec", "maxUnavailable")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void gracePeriodCoversPreStopAndCoordinatedShutdown(String overlay) {
        Rendered r = render(overlay);
        int grace = num(at(podSpec(r.nodeDeployment()), "terminationGracePeriodSeconds"));
        List<String> preStop = list(at(r.nodeContainer(), "lifecycle", "preStop", "exec", "command")).stream()
                .map(String::valueOf).toList();
        assertEquals("sleep", preStop.isEmpty() ? null : preStop.get(0), "preStop pauses while endpoints drain");
        int pause = Integer.parseInt(preStop.get(1));
        // The phases that can take long: shard handoff, leaving, exiting (pekko's own phase timeouts).
        Config lib = ConfigFactory.defaultReference();
        long shutdown = 0;
        for (String phase : List.of("cluster-sharding-shutdown-region", "cluster-leave", "cluster-exiting",
                "cluster-exiting-done")) {
            String path = "pekko.coordinated-shutdown.phases." + phase + ".timeout";
            shutdown += (lib.hasPath(path) ? lib.getDuration(path)
                    : lib.getDuration("pekko.coordinated-shutdown.default-phase-timeout")).toSeconds();
        }
        assertTrue(grace >= pause + shutdown, "terminationGracePeriodSeconds " + grace + " < preStop " + pause
                + " s + " + shutdown + " s of coordinated shutdown (handoff, leave, exiting)");
        assertTrue(pause >= 5 && grace <= 120, "preStop " + pause + " s, grace " + grace + " s");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "production"})
    void networkPolicyAdmitsClientsAndPeers(String overlay) {
        Rendered r = render(overlay);
        Map<String, Object> labels = map(at(r.nodeDeployment(), "spec", "template", "metadata", "labels"));
        Map<String, Object> policy = r.all("NetworkPolicy").stream()
                .filter(p -> matches(map(at(p, "spec", "podSelector", "matchLabels")), labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no NetworkPolicy selects the node pods"));
        Set<Integer> fromAnywhere = new TreeSet<>();
        Set<Integer> fromPeers = new TreeSet<>();
        for (Object rule : list(at(policy, "spec", "ingress"))) {
            Set<Integer> ports = list(at(rule, "ports")).stream().map(p -> num(at(p, "port")))
                    .collect(Collectors.toSet());
            if (list(at(rule, "from")).isEmpty()) fromAnywhere.addAll(ports);
            for (Object from : list(at(rule, "from"))) {
                if (at(from, "namespaceSelector") == null
                        && matches(map(at(from, "podSelector", "matchLabels")), labels)) fromPeers.addAll(ports);
            }
        }
        assertEquals(Set.of(5222, 5223), fromAnywhere, "only the client ports are open to everyone");
        assertTrue(fromPeers.containsAll(Set.of(25520, 7626)), "peers must reach Artery and management: " + fromPeers);
    }

    // ---- monitoring -----------------------------------------------------------------------------------------------

    @Test
    void productionDashboardAndAlertsUseMetricsTheNodeExports() throws IOException {
        Rendered r = render("production");
        Map<String, Object> dashboards = r.all("ConfigMap").stream()
                .filter(cm -> "1".equals(str(cm, "metadata", "labels", "grafana_dashboard"))).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap labelled grafana_dashboard=1"));
        String json = String.valueOf(at(dashboards, "data", "rookery.json"));
        assertTrue(json.length() < 200_000, "the dashboard must stay well under kubectl apply's 256 KiB annotation limit");
        Object dashboard = parseJson("{\"d\":" + json + "}").get("d");
        List<String> exprs = new ArrayList<>();
        collect(dashboard, "expr", exprs);
        assertTrue(exprs.size() >= 20, "dashboard queries: " + exprs.size());
        Set<String> shown = metricNames(exprs);
        List<String> missing = DASHBOARD_METRICS.stream().filter(m -> !shown.contains(m)).toList();
        assertTrue(missing.isEmpty(), "the dashboard lacks panels for " + missing);

        List<String> rules = new ArrayList<>();
        collect(r.one("PrometheusRule", "rookery"), "expr", rules);
        assertFalse(rules.isEmpty(), "alert rules");

        Set<String> exported = metricsTheNodeExports();
        Set<String> unknown = new TreeSet<>();
        for (String m : metricNames(Stream.concat(exprs.stream(), rules.stream()).toList())) {
            String base = m.replaceAll("_(bucket|sum|count)$", "");
            if (m.equals("up")) continue;
            if (!exported.contains(m) && !exported.contains(base) && !JVM_METRICS.contains(m)
                    && !JVM_METRICS.contains(base)) unknown.add(m);
        }
        assertTrue(unknown.isEmpty(), "dashboard or alerts query metrics the node does not export: " + unknown);

        Map<String, Object> monitor = r.one("ServiceMonitor", "rookery");
        List<Map<String, Object>> selected = r.all("Service").stream()
                .filter(s -> matches(map(at(monitor, "spec", "selector", "matchLabels")), map(at(s, "metadata", "labels"))))
                .toList();
        assertEquals(1, selected.size(), "the ServiceMonitor selects exactly one Service");
        Map<String, Object> svc = selected.get(0);
        Object endpoint = list(at(monitor, "spec", "endpoints")).get(0);
        assertEquals("/metrics", str(endpoint, "path"));
        Object port = list(at(svc, "spec", "ports")).stream().filter(p -> str(endpoint, "port").equals(str(p, "name")))
                .findFirst().orElseThrow(() -> new AssertionError("the ServiceMonitor's port is not on " + describe(svc)));
        assertEquals(r.nodeConfig().getInt("rookery.metrics.port"),
                containerPort(r.nodeContainer(), at(port, "targetPort")));
        String job = "job=\"" + str(svc, "metadata", "name") + "\"";
        for (String e : Stream.concat(exprs.stream(), rules.stream()).toList()) {
            if (e.contains("job=")) assertTrue(e.contains(job), "queries must use " + job + " (the Service name): " + e);
        }
    }

    @Test
    void devLeavesOutTheMonitoringCustomResources() {
        Rendered r = render("dev");
        assertTrue(r.all("ServiceMonitor").isEmpty() && r.all("PrometheusRule").isEmpty(),
                "dev clusters usually lack the prometheus-operator CRDs: keep monitoring in the component");
    }

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

    // ---- rendering and validation -----------------------------------------------------------------------------------

    /** One overlay rendered by kubectl and checked by k8s/validate, with the objects as parsed JSON. */
    private record Rendered(String overlay, List<Map<String, Object>> objects, int validatorExit, String validatorOutput) {
        List<Map<String, Object>> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        Map<String, Object> find(String kind, String name) {
            return all(kind).stream().filter(o -> name.equals(str(o, "metadata", "name"))).findFirst().orElse(null);
        }

        Map<String, Object> one(String kind, String name) {
            Map<String, Object> o = find(kind, name);
            if (o == null) fail("k8s/overlays/" + overlay + " renders no " + kind + " " + name);
            return o;
        }

        Map<String, Object> nodeDeployment() {
            return one("Deployment", "rookery");
        }

        Map<String, Object> nodeContainer() {
            return list(at(podSpec(nodeDeployment()), "containers")).stream().map(ManifestsTest::map)
                    .filter(c -> "node".equals(c.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("the Deployment rookery has no container named node"));
        }

        List<Integer> nodeContainerPorts() {
            return list(nodeContainer().get("ports")).stream().map(p -> num(at(p, "containerPort"))).toList();
        }

        /** Every object with a pod template (what the discovery selector could match). */
        List<Map<String, Object>> podTemplateOwners() {
            return objects.stream().filter(o -> podTemplate(o) != null).toList();
        }

        /**
         * A container's environment as Kubernetes builds it: envFrom ConfigMaps in order, then env (which wins).
         * Values from the downward API or Secrets are stand-ins: what matters here is the name.
         */
        Map<String, String> env(Map<String, Object> owner, Map<String, Object> container) {
            String ns = str(owner, "metadata", "namespace");
            Map<String, String> env = new LinkedHashMap<>();
            for (Object from : list(container.get("envFrom"))) {
                String cm = str(from, "configMapRef", "name");
                if (cm == null) continue;
                Map<String, Object> configMap = objects.stream().filter(o -> "ConfigMap".equals(o.get("kind"))
                        && cm.equals(str(o, "metadata", "name"))
                        && java.util.Objects.equals(ns, str(o, "metadata", "namespace")))
                        .findFirst().orElseThrow(() -> new AssertionError(describe(owner) + " reads ConfigMap " + cm
                                + ", which k8s/overlays/" + overlay + " does not render"));
                map(configMap.get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
            for (Object e : list(container.get("env"))) {
                String name = str(e, "name");
                Object value = at(e, "value");
                if (value != null) {
                    env.put(name, expand(String.valueOf(value), env));
                } else if ("status.podIP".equals(str(e, "valueFrom", "fieldRef", "fieldPath"))) {
                    env.put(name, "10.0.0.1");
                } else {
                    env.put(name, "from-" + map(at(e, "valueFrom")).keySet());
                }
            }
            return env;
        }

        /** The settings the node would run with in this container. */
        Config config(Map<String, String> env) {
            return ConfigFactory.parseMap(env).withFallback(ConfigFactory.parseFile(REFERENCE_CONF.toFile()))
                    .resolve(ConfigResolveOptions.noSystem());
        }

        Config nodeConfig() {
            return config(env(nodeDeployment(), nodeContainer()));
        }

        private static String expand(String value, Map<String, String> env) {
            Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
            return m.replaceAll(x -> Matcher.quoteReplacement(env.getOrDefault(x.group(1), x.group())));
        }
    }

    private static synchronized Rendered render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            try {
                Path dir = Files.createDirectories(BUILD.resolve("k8s-rendered"));
                Path yaml = dir.resolve(o + ".yaml");
                Path json = dir.resolve(o + ".json");
                Files.deleteIfExists(json);
                Result kustomize = run(Duration.ofMinutes(2), ROOT, "kubectl", "kustomize", "k8s/overlays/" + o);
                if (kustomize.exit != 0) fail("kubectl kustomize k8s/overlays/" + o + " failed:\n" + kustomize.stderr);
                Files.writeString(yaml, kustomize.stdout);
                Result validate = run(Duration.ofMinutes(2), validator(), "node", "validate.mjs", yaml.toString(),
                        "--json-out", json.toString());
                if (!Files.exists(json)) fail("k8s/validate did not run:\n" + validate.stdout + validate.stderr);
                List<Map<String, Object>> objects = new ArrayList<>();
                for (Object x : list(parseJson("{\"items\":" + Files.readString(json) + "}").get("items"))) {
                    objects.add(map(x));
                }
                return new Rendered(o, objects, validate.exit, validate.stdout + validate.stderr);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** k8s/validate installed under the build folder (npm ci from its lock file), once per lock file. */
    private static synchronized Path validator() throws IOException {
        if (validator != null) return validator;
        Path src = ROOT.resolve("k8s/validate");
        Path dir = Files.createDirectories(BUILD.resolve("k8s-validate"));
        for (String f : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(src.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path stamp = dir.resolve("installed-from.lock");
        String lock = Files.readString(dir.resolve("package-lock.json"));
        boolean installed = Files.exists(stamp) && Files.readString(stamp).equals(lock)
                && Files.isDirectory(dir.resolve("node_modules"));
        if (!installed) {
            run(Duration.ofSeconds(30), dir, "node", "--version");
            Result npm = run(Duration.ofMinutes(5), dir, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline",
                    "--loglevel=error");
            if (npm.exit != 0) {
                fail("npm ci in " + dir + " failed (the npm registry or npm's cache is needed once):\n" + npm.stderr);
            }
            Files.writeString(stamp, lock);
        }
        validator = dir;
        return dir;
    }

    private record Result(int exit, String stdout, String stderr) {}

    private static Result run(Duration timeout, Path dir, String... command) throws IOException {
        Path out = Files.createTempFile(BUILD, "k8s-", ".out");
        Path err = Files.createTempFile(BUILD, "k8s-", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError(command[0] + " is not on the PATH: ManifestsTest needs kubectl (1.27 or later, "
                        + "with kustomize built in) and node 20+ with npm to check k8s/. Install them, do not skip this. ("
                        + e.getMessage() + ")", e);
            }
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    // ---- what the node reads and exports ----------------------------------------------------------------------------

    /** ${?ROOKERY_X} in reference.conf, ${ROOKERY_X} / ${ROOKERY_X:-default} in logback.xml. */
    private static Set<String> variablesTheNodeReads() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher hocon = Pattern.compile("\\$\\{\\?(ROOKERY_[A-Z0-9_]+)}").matcher(Files.readString(REFERENCE_CONF));
        while (hocon.find()) names.add(hocon.group(1));
        Matcher logback = Pattern.compile("\\$\\{(ROOKERY_[A-Z0-9_]+)(:-[^}]*)?}").matcher(Files.readString(LOGBACK_XML));
        while (logback.find()) names.add(logback.group(1));
        return names;
    }

    /** Metric names the node registers: string literals xmpp_... / rookery_... in cluster-node's main sources. */
    private static Set<String> metricsTheNodeExports() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern literal = Pattern.compile("\"((?:xmpp|rookery)_[a-z0-9_]+)\"");
        try (Stream<Path> files = Files.walk(ROOT.resolve("cluster-node/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = literal.matcher(Files.readString(f));
                while (m.find()) names.add(m.group(1));
            }
        }
        return names;
    }

    private static Set<String> metricNames(List<String> exprs) {
        Set<String> names = new LinkedHashSet<>();
        Pattern metric = Pattern.compile("\\b((?:xmpp|rookery|jvm|process)_[a-z0-9_]+|up)\\s*[{\\[(]");
        for (String e : exprs) {
            Matcher m = metric.matcher(e);
            while (m.find()) {
                String n = m.group(1);
                names.add(n);
                names.add(n.replaceAll("_(bucket|sum|count)$", ""));
            }
        }
        return names;
    }

    // ---- small helpers over parsed JSON --------------------------------------------------------------------------------

    private static Map<String, Object> parseJson(String json) {
        return ConfigFactory.parseString(json, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON))
                .root().unwrapped();
    }

    private static void collect(Object node, String key, List<String> into) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (key.equals(k) && v instanceof String s) into.add(s);
                else collect(v, key, into);
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collect(v, key, into));
        }
    }

    private static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey()))));
    }

    private static Set<Integer> servicePorts(Map<String, Object> svc) {
        return list(at(svc, "spec", "ports")).stream().map(p -> num(at(p, "port"))).collect(Collectors.toSet());
    }

    /** A probe's or Service's port (number or container port name) as a number; -1 when the container has none. */
    private static int containerPort(Map<String, Object> container, Object port) {
        for (Object p : list(container.get("ports"))) {
            String wanted = String.valueOf(port);
            if (wanted.equals(str(p, "name")) || wanted.equals(String.valueOf(at(p, "containerPort")))) {
                return num(at(p, "containerPort"));
            }
        }
        return -1;
    }

    private static Map<String, Object> envEntry(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().map(ManifestsTest::map).filter(e -> name.equals(e.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("container " + container.get("name") + " sets no " + name));
    }

    private static String imageOf(Map<String, Object> container) {
        return str(container, "image");
    }

    private static Object podTemplate(Map<String, Object> o) {
        return at(o, "spec", "template", "spec") != null ? at(o, "spec", "template")
                : at(o, "spec", "jobTemplate", "spec", "template");
    }

    private static Map<String, Object> podSpec(Map<String, Object> owner) {
        return map(at(podTemplate(owner), "spec"));
    }

    private static String describe(Map<String, Object> o) {
        return o.get("kind") + " " + str(o, "metadata", "name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> ? (List<Object>) o : List.of();
    }

    private static Object at(Object o, String... path) {
        for (String p : path) {
            if (!(o instanceof Map<?, ?> m)) return null;
            o = m.get(p);
        }
        return o;
    }

    private static String str(Object o, String... path) {
        Object v = at(o, path);
        return v == null ? null : String.valueOf(v);
    }

    private static int num(Object o) {
        if (o instanceof Number n) return n.intValue();
        if (o instanceof String s && s.matches("\\d+")) return Integer.parseInt(s);
        throw new AssertionError("not a number: " + o);
    }

    // ---- where things are ---------------------------------------------------------------------------------------------

    private static Path testClasses() {
        try {
            return Path.of(ManifestsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path repositoryRoot() {
        for (Path p = testClasses(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("k8s/base/kustomization.yaml")) && Files.exists(p.resolve("cluster-node"))) return p;
        }
        throw new IllegalStateException("no k8s/base/kustomization.yaml above " + testClasses());
    }

    /** cluster-node's build folder (target, or target-NAME with -Drookery.target). */
    private static Path buildDirectory() {
        return testClasses().getParent();
    }
}
