package io.rookery.node.k8s;

import static io.rookery.node.k8s.Manifests.render;
import static io.rookery.node.k8s.ManifestJson.at;
import static io.rookery.node.k8s.ManifestJson.describe;
import static io.rookery.node.k8s.ManifestJson.list;
import static io.rookery.node.k8s.ManifestJson.map;
import static io.rookery.node.k8s.ManifestJson.matches;
import static io.rookery.node.k8s.ManifestJson.num;
import static io.rookery.node.k8s.ManifestJson.podSpec;
import static io.rookery.node.k8s.ManifestJson.podTemplate;
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
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cluster formation and shutdown in {@code k8s/}: discovery, RBAC, replicas and disruption budget, grace period,
 * network policy (see {@link ManifestsTest} for what the Manifests*Test classes check and need).
 */
class ManifestsClusterTest {

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
        assertEquals(Set.of(5222, 5223, 5269, 5270, 5443), fromAnywhere,
                "only the client and server-to-server ports are open to everyone");
        assertTrue(fromPeers.containsAll(Set.of(25520, 7626)), "peers must reach Artery and management: " + fromPeers);
    }
}
