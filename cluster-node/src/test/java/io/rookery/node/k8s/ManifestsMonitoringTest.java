package io.rookery.node.k8s;

import static io.rookery.node.k8s.Manifests.metricsTheNodeExports;
import static io.rookery.node.k8s.Manifests.render;
import static io.rookery.node.k8s.ManifestJson.at;
import static io.rookery.node.k8s.ManifestJson.collect;
import static io.rookery.node.k8s.ManifestJson.containerPort;
import static io.rookery.node.k8s.ManifestJson.describe;
import static io.rookery.node.k8s.ManifestJson.list;
import static io.rookery.node.k8s.ManifestJson.map;
import static io.rookery.node.k8s.ManifestJson.matches;
import static io.rookery.node.k8s.ManifestJson.parseJson;
import static io.rookery.node.k8s.ManifestJson.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Monitoring in {@code k8s/}: the production dashboard, alerts and ServiceMonitor use metrics the node exports, and
 * dev leaves the prometheus-operator resources out (see {@link ManifestsTest} for what the Manifests*Test classes
 * check and need).
 */
class ManifestsMonitoringTest {
    /** Metrics the dashboard must show: the node's own (issues 7 and 12) and two JVM ones. */
    private static final List<String> DASHBOARD_METRICS = List.of(
            "xmpp_c2s_connections", "xmpp_c2s_sessions", "xmpp_c2s_tls_handshakes_total", "xmpp_sasl_auth_total",
            "xmpp_sasl_throttled_total", "xmpp_c2s_connections_refused_total", "xmpp_register_refused_total",
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

    /** Metric names in PromQL expressions, with and without a histogram's _bucket/_sum/_count. */
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
}
