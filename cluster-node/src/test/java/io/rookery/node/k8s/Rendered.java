package io.rookery.node.k8s;

import static io.rookery.node.k8s.Manifests.REFERENCE_CONF;
import static io.rookery.node.k8s.ManifestJson.at;
import static io.rookery.node.k8s.ManifestJson.describe;
import static io.rookery.node.k8s.ManifestJson.list;
import static io.rookery.node.k8s.ManifestJson.map;
import static io.rookery.node.k8s.ManifestJson.num;
import static io.rookery.node.k8s.ManifestJson.podSpec;
import static io.rookery.node.k8s.ManifestJson.podTemplate;
import static io.rookery.node.k8s.ManifestJson.str;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One overlay rendered by kubectl and checked by k8s/validate, with the objects as parsed JSON. */
record Rendered(String overlay, List<Map<String, Object>> objects, int validatorExit, String validatorOutput) {
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
        return list(at(podSpec(nodeDeployment()), "containers")).stream().map(ManifestJson::map)
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
